package io.ams.sfu.engine;

import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.Recording;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.SetParticipantNetworkRequest;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.proto.v1.StopRecordingRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's side of the engine coordination (DESIGN.md section 3). The sidecar states what it
 * WANTS (rooms, participants with their SSRCs, where the mix goes, the main speaker); one thread
 * reconciles the engine with that wish every time it changes and every second. That makes engine
 * restarts and outages boring: while the engine is unreachable nothing is lost, the SFU relay keeps
 * working, the rooms report the mix as unavailable, and when the engine answers again every room is
 * re-created in it and the mix resumes.
 *
 * <p>All gRPC calls happen on the link's own thread with short deadlines; the public methods only
 * record the wish and never block a media or signaling thread.
 */
public final class EngineLink implements Engines {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLink.class);
    private static final long DEADLINE_MS = 2000;
    private static final long KEYFRAME_MIN_INTERVAL_MS = 500;

    /** Notified on the link's thread; implementations must not block. */
    public interface Listener {
        /** The room's mix is (no longer) being produced by the engine. */
        void onMixReady(String roomId, boolean ready);

        /** The engine cannot decode this participant until its next keyframe: send a PLI. */
        void onKeyframeNeeded(String roomId, String participantId);

        /** The room's mix comes from {@code sender} (the engine's output socket); take it from there only. */
        default void onMixSender(String roomId, InetSocketAddress sender) {
        }

        /** The room is (no longer) being recorded by the engine; {@code by}: who started it. */
        default void onRecording(String roomId, boolean active, String by) {
        }

        /**
         * The engine sends the participant's mixed audio (what they should hear) on {@code ssrc}: on every
         * AddParticipant answer, so a re-created room (engine restart) brings the new SSRC.
         */
        default void onMixAudioSsrc(String roomId, String participantId, long ssrc) {
        }
    }

    private final ManagedChannel channel;                                         // passed in; the caller shuts it down
    private final MixerGrpc.MixerBlockingStub stub;
    private final MixerGrpc.MixerStub asyncStub;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private final Map<String, RoomWish> wanted = new LinkedHashMap<>();          // guarded by this
    private final Map<String, EngineRoom> actual = new HashMap<>();               // link thread only
    private final Map<String, InetSocketAddress> routes = new ConcurrentHashMap<>(); // room/participant -> engine RTP port
    private final Map<String, Long> lastKeyframeRequest = new ConcurrentHashMap<>();
    private final Set<String> readyRooms = ConcurrentHashMap.newKeySet();          // written by the link thread
    private final Map<String, Integer> wantedRtt = new ConcurrentHashMap<>();        // room/participant -> uplink RTT ms
    private final Map<String, Integer> sentRtt = new HashMap<>();                   // link thread only
    private boolean rttUnsupported;                                               // link thread only
    private final AtomicLong rpcFailures = new AtomicLong();
    private volatile boolean connected;
    private volatile long unreachableSince = System.currentTimeMillis();
    private volatile String lastError = "";
    private boolean eventsOpen;                                                   // link thread only
    private volatile boolean closed;
    private final RoomSetup setup;                                                // link thread only
    private final RecordingText recordingText;

    public EngineLink(ManagedChannel channel, MixSettings settings, Listener listener) {
        this(channel, settings, listener, 0);
    }

    /**
     * {@code rtpSenderPort}: the local port of the socket participants' plain RTP goes to the engine
     * from; the engine takes each participant's RTP from that port of this link's host only.
     */
    public EngineLink(ManagedChannel channel, MixSettings settings, Listener listener, int rtpSenderPort) {
        this.channel = Objects.requireNonNull(channel);
        this.stub = MixerGrpc.newBlockingStub(channel);
        this.asyncStub = MixerGrpc.newStub(channel);
        this.listener = listener;
        this.setup = new RoomSetup(stub, settings, listener, DEADLINE_MS, rtpSenderPort);
        this.recordingText = new RecordingText(asyncStub, DEADLINE_MS);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engine-link");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::reconcileSafely, 0, 1, TimeUnit.SECONDS);
    }

    /** True while the engine answers. */
    public boolean connected() {
        return connected;
    }

    /** When the engine last stopped answering (System.currentTimeMillis), 0 while it answers. */
    long unreachableSince() {
        return connected ? 0 : unreachableSince;
    }

    public String lastError() {
        return lastError;
    }

    public long rpcFailures() {
        return rpcFailures.get();
    }

    /**
     * Want a mix for this room, sent as RTP to {@code mixTarget}, and (unless the audio mix threshold is -1) the
     * room's mixed audio to the same socket. Every time the link (re-)creates the room in an engine the mix gets
     * a new SSRC (see {@link RoomSetup#create}).
     */
    public void openRoom(String roomId, InetSocketAddress mixTarget) {
        synchronized (this) {
            wanted.putIfAbsent(roomId, new RoomWish(roomId, mixTarget));
        }
        kick();
    }

    public void closeRoom(String roomId) {
        release(roomId);
    }

    /**
     * Stops wanting the room here and hands over what was wanted of it (participants, main speaker, recording,
     * parking): a cluster moving the room to another engine {@link #adopt}s it there. Null if it was not open.
     */
    RoomWish release(String roomId) {
        RoomWish w;
        synchronized (this) {
            w = wanted.remove(roomId);
        }
        dropRoutes(roomId);
        kick();
        return w;
    }

    /** Wants a room as {@code wish} says (one released by another link): created in this engine with all of it. */
    void adopt(RoomWish wish) {
        synchronized (this) {
            wanted.put(wish.id, wish);
        }
        kick();
    }

    /** The rooms wanted here. */
    synchronized Set<String> rooms() {
        return new HashSet<>(wanted.keySet());
    }

    /** Whether the engine has the room with every participant wanted of it (link thread's view). */
    boolean ready(String roomId) {
        return readyRooms.contains(roomId);
    }

    /**
     * Park a room ({@code true}: the engine gets none of it; it is deleted there if it is) or unpark it (created
     * again with its participants, as after an engine restart). For a 1:1 call running peer to peer: no media
     * reaches us to decode and nobody watches the mix, so the engine has no idle work for it. Parking tells the
     * listener the mix is not ready; unparking, that it is once the engine has the room again.
     */
    public void parkRoom(String roomId, boolean parked) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r == null || r.parked == parked) {
                return;
            }
            r.parked = parked;
        }
        LOG.info("engine link: room '{}' {}", roomId, parked ? "parked (peer to peer): deleted from the engine until the call"
                + " is back on the server" : "unparked: created in the engine again");
        kick();
    }

    /** Whether the room is parked ({@link #parkRoom}). */
    public synchronized boolean parked(String roomId) {
        RoomWish r = wanted.get(roomId);
        return r != null && r.parked;
    }

    /**
     * Want this participant decoded into the room's mix: its video with {@code ssrc} (0: any) and its Opus
     * (payload type 111, sent to the same port) with the RFC 6464 audio level in {@code audioLevelExtId}
     * (0 or less: not negotiated).
     */
    public void addParticipant(String roomId, String participantId, String displayName, long ssrc, int audioLevelExtId) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r != null) {
                r.participants.put(participantId, new RoomWish.Participant(participantId, displayName, ssrc, audioLevelExtId));
            }
        }
        kick();
    }

    public void removeParticipant(String roomId, String participantId) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r != null) {
                r.participants.remove(participantId);
                r.videoMuted.remove(participantId);
            }
        }
        routes.remove(key(roomId, participantId));
        wantedRtt.remove(key(roomId, participantId));
        kick();
    }

    public void setMainSpeaker(String roomId, String participantId) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r != null) {
                r.mainSpeaker = participantId == null ? "" : participantId;
            }
        }
        kick();
    }

    @Override
    public void setVideoMuted(String roomId, String participantId, boolean muted) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r == null) {
                return;
            }
            if (muted) {
                r.videoMuted.add(participantId);
            } else {
                r.videoMuted.remove(participantId);
            }
        }
        kick();
    }

    /**
     * The participant's uplink RTT as measured here (NACK to retransmission), -1 unknown. Any thread,
     * as often as it likes: the link tells the engine (Mixer.SetParticipantNetwork) on its own thread
     * at most once a second per participant, and only when the value moved by 10 ms and 20 % from
     * what the engine has; the engine's reorder wait follows it.
     */
    public void setParticipantRtt(String roomId, String participantId, int rttMillis) {
        if (rttMillis >= 0) {
            wantedRtt.put(key(roomId, participantId), rttMillis);
        }
    }

    /** Where to send this participant's plain RTP video, or null while the engine does not have it. */
    public InetSocketAddress route(String roomId, String participantId) {
        return routes.get(key(roomId, participantId));
    }

    /** A receiver lost the mix picture: ask the engine for a keyframe (at most one per 500 ms per room). */
    public void requestKeyframe(String roomId) {
        long now = System.currentTimeMillis();
        Long last = lastKeyframeRequest.get(roomId);
        if (last != null && now - last < KEYFRAME_MIN_INTERVAL_MS) {
            return;
        }
        lastKeyframeRequest.put(roomId, now);
        if (!connected) {
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                            .requestKeyframe(RequestKeyframeRequest.newBuilder().setRoomId(roomId).build());
                } catch (StatusRuntimeException e) {
                    failed("RequestKeyframe " + roomId, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** A chat line for the room's recordings: sent at once, asynchronously ({@link RecordingText}). */
    @Override
    public void addRecordingText(String roomId, String participantId, String displayName, String text, long atUnixMs) {
        if (!closed) {
            recordingText.send(roomId, participantId, displayName, text, atUnixMs);
        }
    }

    @Override
    public long recordingTextFailures() {
        return recordingText.failed();
    }

    private void kick() {
        if (!closed) {
            try {
                thread.execute(this::reconcileSafely);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void reconcileSafely() {
        if (closed) {
            return;
        }
        if (!connected) {
            // while the engine is away the channel backs off reconnecting (1 s, 1.6 s, ... up to 2 min) and
            // fails calls at once in between: try now, so an engine that is back is seen within a second
            channel.resetConnectBackoff();
        }
        try {
            reconcile();
        } catch (StatusRuntimeException e) {
            failed("reconcile", e);
        } catch (RuntimeException e) {
            LOG.error("engine link: unexpected failure while reconciling", e);
        }
    }

    private void reconcile() {
        // 1. what does the engine have? (also the health check, and how we notice an engine restart)
        Map<String, Room> engineRooms = new HashMap<>();
        for (Room r : stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                .listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList()) {
            engineRooms.put(r.getId(), r);
        }
        if (!connected) {
            connected = true;
            lastError = "";
            setup.engineReconnected();
            LOG.info("engine link: engine reachable, {} room(s) to set up", snapshot().size());
        }
        openEvents();
        Map<String, RoomWish> want = snapshot();
        // 2. forget what the engine lost (restart), drop what we no longer want
        for (var it = actual.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Room inEngine = engineRooms.get(e.getKey());
            if (inEngine == null) {
                LOG.warn("engine link: room '{}' is gone from the engine (restarted?), re-creating it", e.getKey());
                it.remove();
                dropRoutes(e.getKey());
                mixReady(e.getKey(), false);
            } else if (!want.containsKey(e.getKey()) || !want.get(e.getKey()).mixTarget.equals(e.getValue().mixTarget)) {
                // no longer wanted; or closed and opened again (its only participant rejoined) before this
                // reconcile, with a new mix socket the engine's room knows nothing of: re-created below
                stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                        .deleteRoom(DeleteRoomRequest.newBuilder().setRoomId(e.getKey()).build());
                it.remove();
                engineRooms.remove(e.getKey());
                dropRoutes(e.getKey());
                readyRooms.remove(e.getKey());
                if (parked(e.getKey())) {
                    mixReady(e.getKey(), false);
                }
            } else {
                Set<String> present = new HashSet<>();
                inEngine.getParticipantsList().forEach(p -> present.add(p.getId()));
                e.getValue().participants.retainAll(present);
            }
        }
        // 3. create and fill what we want
        for (RoomWish w : want.values()) {
            EngineRoom a = actual.get(w.id);
            if (a == null) {
                if (engineRooms.containsKey(w.id)) {
                    // left over from an earlier sidecar run, with destinations we know nothing about
                    stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                            .deleteRoom(DeleteRoomRequest.newBuilder().setRoomId(w.id).build());
                }
                setup.create(w);
                a = new EngineRoom(w.mixTarget);
                actual.put(w.id, a);
            }
            setup.setAudioOutput(w, a);
            for (RoomWish.Participant p : w.participants.values()) {
                if (!a.participants.contains(p.id())) {
                    AddParticipantResponse resp = setup.addParticipant(w.id, p);
                    a.participants.add(p.id());
                    a.videoMuted.remove(p.id()); // a new ingress in the engine: its camera starts on
                    sentRtt.remove(key(w.id, p.id())); // a new ingress in the engine: tell it the RTT again
                    routes.put(key(w.id, p.id()), new InetSocketAddress(resp.getRtpHost(), resp.getRtpPort()));
                    LOG.info("engine link: {}/{} decoded by the engine from {}:{}{}", w.id, p.id(), resp.getRtpHost(),
                            resp.getRtpPort(), resp.getMixAudioSsrc() != 0 ? ", its mixed audio on SSRC " + Integer.toUnsignedString(resp.getMixAudioSsrc()) : "");
                    if (resp.getMixAudioSsrc() != 0) {
                        listener.onMixAudioSsrc(w.id, p.id(), resp.getMixAudioSsrc() & 0xFFFFFFFFL);
                    }
                    listener.onKeyframeNeeded(w.id, p.id());
                }
            }
            for (var it = a.participants.iterator(); it.hasNext(); ) {
                String pid = it.next();
                if (!w.participants.containsKey(pid)) {
                    setup.removeParticipant(w.id, pid);
                    it.remove();
                    routes.remove(key(w.id, pid));
                }
            }
            for (String pid : a.participants) {
                sendRtt(w.id, pid);
                sendVideoMuted(w, a, pid);
            }
            if (!w.mainSpeaker.equals(a.mainSpeaker) && a.participants.contains(w.mainSpeaker)) {
                stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).setMainSpeaker(
                        SetMainSpeakerRequest.newBuilder().setRoomId(w.id).setParticipantId(w.mainSpeaker).build());
                a.mainSpeaker = w.mainSpeaker;
            }
            if (!a.ready) {
                a.ready = true;
                mixReady(w.id, true);
            }
            reconcileContent(w, a);
            reconcileRecording(w, a, engineRooms.get(w.id));
        }
    }

    private final java.util.concurrent.atomic.AtomicLong contentVersions = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void setContent(String roomId, byte[] image, String label) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r == null) {
                return;
            }
            r.content = new RoomWish.Content(image, label == null ? "" : label, contentVersions.incrementAndGet());
        }
        kick();
    }

    private void reconcileContent(RoomWish w, EngineRoom a) {
        RoomWish.Content c = w.content;
        if (c == null || c.version() == a.contentVersion) {
            return;
        }
        stub.withDeadlineAfter(DEADLINE_MS * 4L, TimeUnit.MILLISECONDS).setContent(io.ams.proto.v1.SetContentRequest.newBuilder()
                .setRoomId(w.id).setImage(c.image() == null ? com.google.protobuf.ByteString.EMPTY
                        : com.google.protobuf.ByteString.copyFrom(c.image()))
                .setLabel(c.label().length() > 64 ? c.label().substring(0, 64) : c.label()).build());
        a.contentVersion = c.version();
        LOG.info("engine link: room '{}': content {}", w.id, c.image() == null ? "cleared" : "'" + c.label() + "' sent");
    }

    /**
     * Want the room recorded ({@code on}) or not, as its host asked; {@code by} is shown to everyone. A
     * recording this link started and that stops without being asked to (an operator stopped it, a full
     * disk) is not started again; after an engine restart it is (into a new file). False if the room is
     * not open.
     */
    public boolean setRecording(String roomId, boolean on, String by) {
        synchronized (this) {
            RoomWish r = wanted.get(roomId);
            if (r == null) {
                return false;
            }
            r.recording = on;
            r.recordingBy = by == null ? "" : by;
        }
        kick();
        return true;
    }

    private void reconcileRecording(RoomWish w, EngineRoom a, Room inEngine) {
        List<Recording> running = new ArrayList<>();
        if (inEngine != null) {
            inEngine.getRecordingsList().stream().filter(Recording::getRunning).forEach(running::add);
        }
        if (Boolean.TRUE.equals(w.recording)) {
            if (running.isEmpty()) {
                if (a.recordingId != null) { // ours stopped without us: do not fight whoever stopped it
                    LOG.info("engine link: room '{}': recording '{}' stopped in the engine", w.id, a.recordingId);
                    a.recordingId = null;
                    clearRecordingWish(w.id, true);
                } else {
                    Recording r = stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).startRecording(
                            StartRecordingRequest.newBuilder().setRoomId(w.id).setStartedBy(w.recordingBy).build());
                    a.recordingId = r.getId();
                    running.add(r);
                    LOG.info("engine link: room '{}': recording '{}' started for {}", w.id, r.getId(), w.recordingBy);
                }
            }
        } else if (Boolean.FALSE.equals(w.recording)) {
            for (Recording r : running) {
                try {
                    stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).stopRecording(
                            StopRecordingRequest.newBuilder().setRoomId(w.id).setRecordingId(r.getId()).build());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                        throw e;
                    }
                }
            }
            running.clear();
            a.recordingId = null;
            clearRecordingWish(w.id, false);
        }
        String by = running.isEmpty() ? "" : running.get(0).getStartedBy().isEmpty() ? "the operator" : running.get(0).getStartedBy();
        if (!by.equals(a.reportedRecording)) {
            a.reportedRecording = by;
            listener.onRecording(w.id, !by.isEmpty(), by);
        }
    }

    private synchronized void clearRecordingWish(String roomId, boolean was) {
        RoomWish r = wanted.get(roomId);
        if (r != null && Boolean.valueOf(was).equals(r.recording)) {
            r.recording = null;
        }
    }

    /** Tells the engine a participant's RTT when it moved meaningfully (link thread; called once a second). */
    private void sendRtt(String roomId, String participantId) {
        String k = key(roomId, participantId);
        Integer want = wantedRtt.get(k);
        Integer sent = sentRtt.get(k);
        if (want == null || rttUnsupported || sent != null && !rttMoved(sent, want)) {
            return;
        }
        try {
            stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).setParticipantNetwork(
                    SetParticipantNetworkRequest.newBuilder().setRoomId(roomId).setParticipantId(participantId)
                            .setRttMs(want).build());
            sentRtt.put(k, want);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                rttUnsupported = true; // an older engine: its reorder wait stays fixed
                LOG.info("engine link: the engine does not take RTT hints (SetParticipantNetwork unimplemented)");
                return;
            }
            throw e;
        }
    }

    private boolean videoMuteUnsupported;                                        // link thread only

    /** Tells the engine the participant's camera is off or on, when that differs from what it was told. */
    private void sendVideoMuted(RoomWish w, EngineRoom a, String participantId) {
        boolean want = w.videoMuted.contains(participantId);
        if (videoMuteUnsupported || want == a.videoMuted.contains(participantId)) {
            return;
        }
        try {
            stub.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS).setParticipantVideo(
                    io.ams.proto.v1.SetParticipantVideoRequest.newBuilder().setRoomId(w.id).setParticipantId(participantId)
                            .setVideoMuted(want).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                videoMuteUnsupported = true; // an older engine: a camera that is off stays a black tile there
                LOG.info("engine link: the engine does not take camera-off (SetParticipantVideo unimplemented)");
                return;
            }
            throw e;
        }
        if (want) {
            a.videoMuted.add(participantId);
        } else {
            a.videoMuted.remove(participantId);
        }
        LOG.info("engine link: {}/{} camera {} in the mix", w.id, participantId, want ? "off (name placeholder)" : "on");
    }

    /** Worth telling: moved by at least 10 ms and 20 %. */
    static boolean rttMoved(int sent, int want) {
        int d = Math.abs(want - sent);
        return d >= 10 && d * 5 >= sent;
    }

    private void openEvents() {
        if (eventsOpen) {
            return;
        }
        eventsOpen = true;
        asyncStub.streamEvents(StreamEventsRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(Event e) {
                if (e.hasKeyframeNeeded()) {
                    listener.onKeyframeNeeded(e.getRoomId(), e.getKeyframeNeeded().getParticipantId());
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("engine link: event stream ended: {}", t.toString());
                reopenLater();
            }

            @Override
            public void onCompleted() {
                reopenLater();
            }
        });
    }

    private void reopenLater() {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> eventsOpen = false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void failed(String what, StatusRuntimeException e) {
        rpcFailures.incrementAndGet();
        String msg = e.getStatus().getCode() + (e.getStatus().getDescription() != null ? ": " + e.getStatus().getDescription() : "");
        if (unreachable(e.getStatus().getCode())) {
            if (connected) {
                unreachableSince = System.currentTimeMillis();
            }
            if (connected || !msg.equals(lastError)) {
                LOG.warn("engine link: engine unreachable ({}: {}); the relay goes on without the mix, retrying every second", what, msg);
            }
            connected = false;
            lastError = msg;
            // The mix stops for now; what the engine has is kept: after a short outage (a network blip, a stall)
            // the next reconcile finds the rooms still there and only marks them ready again, after a restart it
            // finds them gone and creates them afresh.
            for (var room : actual.entrySet()) {
                if (room.getValue().ready) {
                    room.getValue().ready = false;
                    mixReady(room.getKey(), false);
                }
            }
        } else {
            // The engine answered (UNKNOWN and INTERNAL included: a bug or a bad moment in one call, not an engine
            // that is gone): keep everything and retry this call at the next reconcile.
            if (!msg.equals(lastError)) {
                LOG.warn("engine link: {} refused by the engine: {} (retried every second)", what, msg);
            }
            lastError = msg;
        }
    }

    /** Codes that mean no engine answered: it is down, stalled past the deadline, or cut off. */
    static boolean unreachable(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> true;
            default -> false;
        };
    }

    /**
     * The rooms the engine should have: every wanted one that is not parked, and a parked one a host wants recorded
     * (its recording starts, the room hears of it and the call goes back to the server, which unparks it).
     */
    private synchronized Map<String, RoomWish> snapshot() {
        Map<String, RoomWish> copy = new LinkedHashMap<>();
        for (RoomWish w : wanted.values()) {
            if (!w.parked || Boolean.TRUE.equals(w.recording)) { // a recording needs the engine: parked or not
                copy.put(w.id, w.copy());
            }
        }
        return copy;
    }

    private void mixReady(String roomId, boolean ready) {
        if (ready) {
            readyRooms.add(roomId);
        } else {
            readyRooms.remove(roomId);
        }
        listener.onMixReady(roomId, ready);
    }

    private void dropRoutes(String roomId) {
        routes.keySet().removeIf(k -> k.startsWith(roomId + "/"));
    }

    private static String key(String roomId, String participantId) {
        return roomId + "/" + participantId;
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
