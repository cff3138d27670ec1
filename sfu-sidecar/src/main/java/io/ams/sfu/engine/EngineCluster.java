package io.ams.sfu.engine;

import io.ams.cluster.ClusterEvents;
import io.ams.cluster.ClusterUnavailableException;
import io.ams.cluster.ClusterView;
import io.ams.cluster.EnginePlacement;
import io.ams.cluster.EngineRecord;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines of a cluster (issue 11, {@code --redis-uri}): one {@link EngineLink} per live engine in Redis, each
 * room placed on one of them ({@link EnginePlacement}), and moved when its engine is lost (no answer for
 * {@link #LOST_AFTER_MS}, or its record expired) or drains: the room's whole wish (participants, main speaker,
 * recording) is released by the old link and adopted by the new one, which creates it there as after an engine
 * restart. The relay never notices; the mix comes back once the new engine decodes the next keyframes. While Redis
 * is away the engines known so far keep working and new rooms are placed on them.
 *
 * <p>Each link reports to the rooms through a filter that passes only news about the rooms placed on its engine, so
 * a lost engine that comes back cannot take a moved room's mix away. One thread ("engine-cluster") does the
 * bookkeeping every 500 ms; the public methods only record the wish.
 */
public final class EngineCluster implements Engines {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCluster.class);
    /** An engine that does not answer this long is given up and its rooms move (kill -9 answers at once). */
    public static final long LOST_AFTER_MS = 2000;
    private static final long TICK_MS = 500;

    /** Opens the link to one engine (its channel with the control token, the shared RTP socket's port). */
    public interface LinkFactory {
        EngineLink open(EngineRecord engine, EngineLink.Listener listener);

        /** Releases what {@link #open} made for that link (its channel). */
        void close(EngineLink link);
    }

    /** A room moved from one engine to another; {@code mixBackMillis} -1 until the new engine had it. */
    public record Move(String room, String from, String to, String reason, long atMillis, long mixBackMillis) {
    }

    private static final class Member {
        volatile EngineRecord record;
        final EngineLink link;
        volatile boolean gone;           // its record expired (or was deleted) in Redis

        Member(EngineRecord record, EngineLink link) {
            this.record = record;
            this.link = link;
        }
    }

    private final ClusterView view;
    private final ClusterEvents events;
    private final LinkFactory links;
    private final EngineLink.Listener rooms;
    private final BiConsumer<String, String> placed;                          // room, engine: recorded in Redis
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, String> placement = new ConcurrentHashMap<>();  // room -> engine id
    private final Map<String, RoomWish> unplaced = new LinkedHashMap<>();     // guarded by this
    private final Map<String, Double> pending = new HashMap<>();              // guarded by this
    private final Map<String, Long> moveStarted = new ConcurrentHashMap<>();  // room -> when its move began
    private final List<Move> moves = new ArrayList<>();                       // guarded by this; the last 100
    private final AtomicLong movesLost = new AtomicLong();
    private final AtomicLong movesDraining = new AtomicLong();
    private final Random random = new Random();
    private final ScheduledExecutorService thread;
    private volatile boolean registryRead;
    private long lastRegistryRead;                                           // cluster thread only
    private volatile boolean closed;

    /**
     * @param rooms  the rooms' listener (the registry)
     * @param placed told (room, engine id) when a room is placed or moved, to record it in Redis
     */
    public EngineCluster(ClusterView view, ClusterEvents events, LinkFactory links, EngineLink.Listener rooms,
                         BiConsumer<String, String> placed) {
        this.view = view;
        this.events = events;
        this.links = links;
        this.rooms = rooms;
        this.placed = placed;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-cluster");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        thread.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    // ---- the rooms' wishes -------------------------------------------------------------------------------------

    @Override
    public void openRoom(String roomId, InetSocketAddress mixTarget) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.openRoom(roomId, mixTarget);
            return;
        }
        synchronized (this) {
            unplaced.putIfAbsent(roomId, new RoomWish(roomId, mixTarget));
        }
        kick();
    }

    @Override
    public void closeRoom(String roomId) {
        String engine = placement.remove(roomId);
        Member m = engine == null ? null : members.get(engine);
        if (m != null) {
            m.link.closeRoom(roomId);
        }
        synchronized (this) {
            unplaced.remove(roomId);
        }
        moveStarted.remove(roomId);
    }

    @Override
    public void parkRoom(String roomId, boolean parked) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.parkRoom(roomId, parked);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                w.parked = parked;
            }
        }
    }

    @Override
    public boolean parked(String roomId) {
        Member m = memberOf(roomId);
        if (m != null) {
            return m.link.parked(roomId);
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            return w != null && w.parked;
        }
    }

    @Override
    public void addParticipant(String roomId, String participantId, String displayName, long ssrc, int audioLevelExtId) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.addParticipant(roomId, participantId, displayName, ssrc, audioLevelExtId);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                w.participants.put(participantId, new RoomWish.Participant(participantId, displayName, ssrc, audioLevelExtId));
            }
        }
    }

    @Override
    public void removeParticipant(String roomId, String participantId) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.removeParticipant(roomId, participantId);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                w.participants.remove(participantId);
                w.videoMuted.remove(participantId);
            }
        }
    }

    @Override
    public void setMainSpeaker(String roomId, String participantId) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.setMainSpeaker(roomId, participantId);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                w.mainSpeaker = participantId == null ? "" : participantId;
            }
        }
    }

    @Override
    public void setVideoMuted(String roomId, String participantId, boolean muted) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.setVideoMuted(roomId, participantId, muted);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                if (muted) {
                    w.videoMuted.add(participantId);
                } else {
                    w.videoMuted.remove(participantId);
                }
            }
        }
    }

    @Override
    public void setContent(String roomId, byte[] image, String label) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.setContent(roomId, image, label);
            return;
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w != null) {
                w.content = new RoomWish.Content(image, label == null ? "" : label, System.nanoTime());
            }
        }
    }

    @Override
    public void setParticipantRtt(String roomId, String participantId, int rttMillis) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.setParticipantRtt(roomId, participantId, rttMillis);
        }
    }

    @Override
    public InetSocketAddress route(String roomId, String participantId) {
        Member m = memberOf(roomId);
        return m == null ? null : m.link.route(roomId, participantId);
    }

    @Override
    public void requestKeyframe(String roomId) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.requestKeyframe(roomId);
        }
    }

    @Override
    public boolean setRecording(String roomId, boolean on, String by) {
        Member m = memberOf(roomId);
        if (m != null) {
            return m.link.setRecording(roomId, on, by);
        }
        synchronized (this) {
            RoomWish w = unplaced.get(roomId);
            if (w == null) {
                return false;
            }
            w.recording = on;
            w.recordingBy = by == null ? "" : by;
            return true;
        }
    }

    /** To the engine that has the room; a room not placed on an engine has no recording running. */
    @Override
    public void addRecordingText(String roomId, String participantId, String displayName, String text, long atUnixMs) {
        Member m = memberOf(roomId);
        if (m != null) {
            m.link.addRecordingText(roomId, participantId, displayName, text, atUnixMs);
        }
    }

    @Override
    public long recordingTextFailures() {
        return members.values().stream().mapToLong(m -> m.link.recordingTextFailures()).sum();
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    @Override
    public boolean connected() {
        return members.values().stream().anyMatch(m -> m.link.connected());
    }

    @Override
    public String lastError() {
        if (members.isEmpty()) {
            return registryRead ? "no engine registered in the cluster" : "the cluster's engines are not known yet (Redis)";
        }
        List<String> errs = new ArrayList<>();
        members.forEach((id, m) -> {
            if (!m.link.connected() && !m.link.lastError().isEmpty()) {
                errs.add(id + ": " + m.link.lastError());
            }
        });
        return String.join("; ", errs);
    }

    @Override
    public long rpcFailures() {
        return members.values().stream().mapToLong(m -> m.link.rpcFailures()).sum();
    }

    /** Which engine mixes each room now. */
    public Map<String, String> placements() {
        return Map.copyOf(placement);
    }

    /** The engine ids linked now. */
    public Set<String> engines() {
        return Set.copyOf(members.keySet());
    }

    /** Rooms moved because their engine was lost, or because it drained. */
    public long movesLost() {
        return movesLost.get();
    }

    public long movesDraining() {
        return movesDraining.get();
    }

    /** The last moves, oldest first. */
    public synchronized List<Move> moves() {
        return List.copyOf(moves);
    }

    // ---- the cluster thread --------------------------------------------------------------------------------------

    private Member memberOf(String roomId) {
        String engine = placement.get(roomId);
        return engine == null ? null : members.get(engine);
    }

    private void kick() {
        if (!closed) {
            try {
                thread.execute(this::tickSafely);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void tickSafely() {
        if (closed) {
            return;
        }
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("engine cluster: unexpected failure", e);
        }
    }

    private void tick() {
        if (System.currentTimeMillis() - lastRegistryRead >= 1000) {
            lastRegistryRead = System.currentTimeMillis();
            readRegistry();
        }
        long now = System.currentTimeMillis();
        // rooms on a lost or draining engine move
        for (Map.Entry<String, String> e : new HashMap<>(placement).entrySet()) {
            Member m = members.get(e.getValue());
            String reason = m == null || lost(m, now) ? "engine_lost" : m.record.draining() ? "engine_draining" : null;
            if (reason != null) {
                move(e.getKey(), e.getValue(), reason);
            }
        }
        placeWaiting();
        reportMixBack(now);
        // engines gone from Redis with nothing left on them are let go
        for (var it = members.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Member m = e.getValue();
            if (m.gone && !placement.containsValue(e.getKey())) {
                it.remove();
                m.link.close();
                links.close(m.link);
                LOG.info("engine cluster: engine '{}' left the cluster", e.getKey());
            }
        }
    }

    private boolean lost(Member m, long now) {
        long since = m.link.unreachableSince();
        return m.gone || since != 0 && now - since >= LOST_AFTER_MS;
    }

    private void readRegistry() {
        List<EngineRecord> live;
        try {
            live = view.engines();
        } catch (ClusterUnavailableException e) {
            return; // keep what we knew; the store logged the outage
        }
        registryRead = true;
        Set<String> seen = new HashSet<>();
        for (EngineRecord r : live) {
            seen.add(r.id());
            Member m = members.get(r.id());
            if (m == null || !m.record.grpcAddress().equals(r.grpcAddress())) {
                if (m != null) { // same id at a new address: a restarted engine elsewhere
                    m.gone = true;
                }
                Member fresh = new Member(r, links.open(r, new PlacedOnly(r.id())));
                fresh.link.start();
                members.put(r.id(), fresh);
                LOG.info("engine cluster: engine '{}' at {} ({}, capacity {}) joined", r.id(), r.grpcAddress(), r.backend(),
                        r.capacity());
            } else {
                m.record = r;
                m.gone = false;
            }
        }
        for (Map.Entry<String, Member> e : members.entrySet()) {
            if (!seen.contains(e.getKey()) && !e.getValue().gone) {
                e.getValue().gone = true;
                LOG.warn("engine cluster: engine '{}' is gone from the cluster (its heartbeat expired)", e.getKey());
            }
        }
        synchronized (this) {
            pending.clear(); // the engines' loads now include what we placed up to their last heartbeat
        }
    }

    /** The engines a room can go to now: answering, not draining, not lost. */
    private List<EngineRecord> usable(long now) {
        List<EngineRecord> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.link.connected() && !m.gone && !lost(m, now)) {
                out.add(m.record);
            }
        }
        return out;
    }

    private Optional<EngineRecord> choose(Set<String> excluded) {
        Map<String, Double> p;
        synchronized (this) {
            p = new HashMap<>(pending);
        }
        Optional<EngineRecord> c = EnginePlacement.choose(usable(System.currentTimeMillis()), excluded, p, random);
        c.ifPresent(e -> {
            synchronized (this) {
                pending.merge(e.id(), 1.0, Double::sum);
            }
            if (e.loadRatio() >= 1) {
                LOG.warn("engine cluster: every engine is full; room placed on the least loaded, '{}' ({} of {})", e.id(),
                        e.load(), e.capacity());
            }
        });
        return c;
    }

    private void placeWaiting() {
        List<RoomWish> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(unplaced.values());
        }
        for (RoomWish w : waiting) {
            Optional<EngineRecord> target = choose(Set.of());
            if (target.isEmpty()) {
                return; // no engine to take it: tried again next second
            }
            synchronized (this) {
                if (unplaced.remove(w.id) != w) {
                    continue; // closed meanwhile
                }
            }
            placement.put(w.id, target.get().id());
            members.get(target.get().id()).link.adopt(w);
            LOG.info("engine cluster: room '{}' placed on engine '{}'", w.id, target.get().id());
            placed.accept(w.id, target.get().id());
        }
    }

    private void move(String room, String from, String reason) {
        Optional<EngineRecord> target = choose(Set.of(from));
        if (target.isEmpty()) {
            return; // nowhere to go: it stays (a lost engine that comes back re-creates it), tried again next second
        }
        Member old = members.get(from);
        RoomWish w = old == null ? null : old.link.release(room);
        if (w == null) {
            placement.remove(room);
            return;
        }
        String to = target.get().id();
        placement.put(room, to);          // first: from now on only the new engine's news reaches the room
        rooms.onMixReady(room, false);
        members.get(to).link.adopt(w);
        long now = System.currentTimeMillis();
        moveStarted.put(room, now);
        (reason.equals("engine_lost") ? movesLost : movesDraining).incrementAndGet();
        synchronized (this) {
            moves.add(new Move(room, from, to, reason, now, -1));
            if (moves.size() > 100) {
                moves.remove(0);
            }
        }
        LOG.warn("engine cluster: room '{}' moves from engine '{}' to '{}' ({}); the relay goes on, the mix returns once '{}'"
                + " decodes the next keyframes", room, from, to, reason.replace('_', ' '), to);
        placed.accept(room, to);
        try {
            events.publish("room-moved", Map.of("room", room, "from", from, "to", to, "reason", reason));
        } catch (ClusterUnavailableException e) {
            LOG.info("cluster: event room-moved not recorded: {}", e.getMessage());
        }
    }

    private void reportMixBack(long now) {
        for (var e : moveStarted.entrySet()) {
            Member m = memberOf(e.getKey());
            if (m != null && m.link.ready(e.getKey())) {
                long took = now - e.getValue();
                moveStarted.remove(e.getKey());
                LOG.info("engine cluster: room '{}' is mixed again by '{}', {} ms after the move", e.getKey(),
                        m.record.id(), took);
                synchronized (this) {
                    for (int i = moves.size() - 1; i >= 0; i--) {
                        Move x = moves.get(i);
                        if (x.room().equals(e.getKey()) && x.mixBackMillis() < 0) {
                            moves.set(i, new Move(x.room(), x.from(), x.to(), x.reason(), x.atMillis(), took));
                            break;
                        }
                    }
                }
            }
        }
    }

    /** Passes a link's news on only for the rooms placed on its engine. */
    private final class PlacedOnly implements EngineLink.Listener {
        private final String engine;

        PlacedOnly(String engine) {
            this.engine = engine;
        }

        private boolean mine(String room) {
            return engine.equals(placement.get(room));
        }

        @Override
        public void onMixReady(String roomId, boolean ready) {
            if (mine(roomId)) {
                rooms.onMixReady(roomId, ready);
            }
        }

        @Override
        public void onKeyframeNeeded(String roomId, String participantId) {
            if (mine(roomId)) {
                rooms.onKeyframeNeeded(roomId, participantId);
            }
        }

        @Override
        public void onMixSender(String roomId, InetSocketAddress sender) {
            if (mine(roomId)) {
                rooms.onMixSender(roomId, sender);
            }
        }

        @Override
        public void onRecording(String roomId, boolean active, String by) {
            if (mine(roomId)) {
                rooms.onRecording(roomId, active, by);
            }
        }

        @Override
        public void onMixAudioSsrc(String roomId, String participantId, long ssrc) {
            if (mine(roomId)) {
                rooms.onMixAudioSsrc(roomId, participantId, ssrc);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        for (Member m : members.values()) {
            m.link.close();
            links.close(m.link);
        }
        members.clear();
    }
}
