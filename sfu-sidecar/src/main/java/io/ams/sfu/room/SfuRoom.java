package io.ams.sfu.room;

import io.ams.sfu.engine.Engines;
import io.ams.sfu.quality.ParticipantQuality;
import io.ams.sfu.transport.PeerTransport;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One meeting on the SFU side (DESIGN.md sections 3 and 5): it relays the main speaker's camera to
 * every participant on one stable SSRC, forwards everyone's audio, feeds every camera to the engine as
 * plain RTP, fans the engine's mix out to everyone, and keeps the offers of all participants in step
 * with who is in the room.
 *
 * <p>Threads: control (join, answer, leave, pin) runs on the room's {@link SerialLane} and under the
 * room's lock; packets arrive on each peer's transport thread and on the room's mix thread and only
 * read volatile snapshots; the tick (every 100 ms: speaker selection, NACKs, transport-cc feedback,
 * mix availability) is queued on the room's lane by the shared timer, which itself never takes a
 * room's lock, so a busy room cannot delay the others' ticks. The media path
 * never throws: bad packets are dropped and counted.
 */
public final class SfuRoom implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SfuRoom.class);
    /** The SSRC we use as the sender of our own RTCP (PLI, transport-cc feedback). */
    static final long SFU_SSRC = 0x414D5300L; // "AMS\0"
    private static final long MIX_STALE_MILLIS = 2000;
    private static final long SPEAKING_HOLD_MILLIS = 600;

    private final String id;
    private final RoomContext ctx;
    private final SerialLane lane;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final AtomicLong ticksSkipped = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private final LayerControl layers;
    private final Negotiation negotiation;
    private final KeyframeRequests keyframes = new KeyframeRequests(() -> this.peerView);
    private final RelayLedger relayed = new RelayLedger();
    private final DownlinkControl downlinks;
    private final Map<String, Peer> peers = new LinkedHashMap<>(); // guarded by this
    private volatile Peer[] peerView = new Peer[0];
    private final MixReceiver mix;
    private final MixedAudioIn mixedIn;
    private final MixedAudioControl audioMix;
    private final ScheduledFuture<?> tick;
    private final QualityReporter quality = new QualityReporter(); // timer thread only
    private int nextPeer;
    private volatile boolean mixReady;
    private boolean mixAvailableSent;
    private List<PeerChannel.ParticipantView> announcedList = List.of();
    private volatile boolean closed;
    private String recordingBy; // guarded by this; null: not being recorded
    private boolean released; // guarded by this
    private final ControlRoom control = new ControlRoom();
    private final MainSourceControl sources = new MainSourceControl(control); // guarded by this (its selector by itself)
    private final ReceiverRoom receivers; // the media side: without the lock
    private final P2pControl p2p; // guarded by this
    private final RoomChat chat = new RoomChat(control); // guarded by this; the history goes with the room

    private volatile RoomEvents events = RoomEvents.NONE;

    /** Where this room's events go (set once, right after it opens). */
    void events(RoomEvents e) {
        events = e;
    }

    public SfuRoom(String id, RoomContext ctx, SerialLane lane) throws SocketException {
        this.id = id;
        this.ctx = ctx;
        this.lane = lane;
        this.layers = new LayerControl(id, ctx.mix());
        this.negotiation = new Negotiation(id, ctx.simulcast());
        this.downlinks = new DownlinkControl(id, ctx.mix() == null ? 0 : ctx.mix().bitrateKbps() * 1000L, ctx.downlinkEstimates());
        this.mixedIn = new MixedAudioIn(id);
        this.audioMix = new MixedAudioControl(id, ctx.mix() == null ? -1 : ctx.mix().audioMixThreshold());
        this.mix = new MixReceiver(id, ctx.mixBindAddress(), () -> peerView, mixedIn);
        this.receivers = new ReceiverRoom(id, () -> peerView, ctx.engine(), ctx.engineOut(), keyframes, sources,
                task -> onLane(() -> runIfOpen(task)));
        this.p2p = new P2pControl(ctx.p2p(), ctx.iceServers(), control);
        ctx.engine().openRoom(id, mix.address());
        this.tick = ctx.timer().scheduleWithFixedDelay(this::queueTick, 100, 100, TimeUnit.MILLISECONDS);
        LOG.info("room '{}' opened, mix expected on {}", id, mix.address());
    }

    public String id() {
        return id;
    }

    /** Where this room's work runs, one task at a time. */
    public SerialLane lane() {
        return lane;
    }

    /** Ticks run so far. */
    public long ticks() {
        return ticks.get();
    }

    /** Ticks not run because the previous one was still waiting on the lane (the room was busy). */
    public long ticksSkipped() {
        return ticksSkipped.get();
    }

    /** Every participant's channel (content news goes to all of them). */
    public synchronized java.util.List<PeerChannel> channels() {
        java.util.List<PeerChannel> out = new java.util.ArrayList<>(peers.size());
        for (Peer p : peers.values()) {
            out.add(p.channel);
        }
        return out;
    }

    public synchronized int size() {
        return peers.size();
    }

    // ------------------------------------------------------------------ control

    /** Adds a participant and sends it its first offer. */
    public synchronized Peer join(String name, PeerChannel channel) throws RoomException {
        return join(name, channel, false);
    }

    /**
     * As {@link #join(String, PeerChannel)}; {@code screen}: a screen share of participant {@code name} (docs/SIGNALING.md
     * "Screen share"), one per room, everyone's main video while it lasts, a tile in the mix.
     */
    public synchronized Peer join(String name, PeerChannel channel, boolean screen) throws RoomException {
        if (closed) {
            throw new RoomClosedException(id);
        }
        if (screen) {
            for (Peer q : peers.values()) {
                if (q.screen()) {
                    throw new RoomException("screen_busy", q.screenOf + " is sharing a screen already; one at a time");
                }
            }
        }
        if (peers.size() >= ctx.maxParticipants()) {
            throw new RoomException("room_full", "room '" + id + "' is full (" + ctx.maxParticipants() + " participants)");
        }
        String pid = (screen ? "s" : "p") + (++nextPeer);
        PeerTransport transport = ctx.mediaPort().newPeer(id + "/" + pid);
        Peer p = new Peer(pid, screen ? name + " (screen)" : name, channel, transport, ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                randomSsrc(), randomSsrc(), randomSsrc(), keyframes::ofSsrc, ssrc -> ctx.engine().requestKeyframe(id));
        transport.setListener(new PeerMediaListener(id, p, new CameraReceiver(p, receivers, System::nanoTime),
                new AudioReceiver(p, receivers), new RtcpReceiver(p, receivers), () -> {
                    keyframes.ofEngineFeed(p); // the new receiver needs a picture now: keyframes of its main source and of the mix
                    ctx.engine().requestKeyframe(id);
                }));
        transport.setRtpSendHook(p.bwe.sendHook()); // bandwidth estimation: our transport-wide seq on all we send
        p.screenOf = screen ? name : null;
        for (Peer q : peers.values()) {
            if (!screen && !q.screen()) { // a screen has no sound and hears nothing
                Negotiation.assignSlot(q, p.id);
                Negotiation.assignSlot(p, q.id);
            }
        }
        peers.put(pid, p);
        if (screen) {
            sources.screenShared(pid, System.currentTimeMillis()); // the screen is the main video while shared
        }
        publishPeers();
        audioMix.addSlots(peers.values()); // start() offers to everyone
        LOG.info("room '{}': {} joined ({} participant(s))", id, p, peers.size());
        events.event(id, "participant-joined", java.util.Map.of("participantId", p.id, "name", p.name,
                "participants", Integer.toString(peers.size())));
        return p;
    }

    /** Called by the signaling layer right after it told the client its id: first offer and room state. */
    public synchronized void start(Peer p) {
        if (!peers.containsKey(p.id)) {
            return;
        }
        for (Peer q : peers.values()) {
            negotiation.sendOffer(q);
        }
        if (p.screen()) {
            sources.apply(); // everyone's main video is the screen now
        }
        p.channel.mix(mixAvailableSent);
        p.channel.chatHistory(chat.history());
        if (recordingBy != null) {
            p.channel.recording(true, recordingBy); // a late joiner sees the recording too
        }
        sources.tell(p);
        sources.update();
        announceParticipants(true);
    }

    public synchronized void answer(Peer p, String sdp) throws RoomException {
        if (!peers.containsKey(p.id)) {
            throw new RoomException("bad_message", "not in room '" + id + "'");
        }
        boolean sends = negotiation.applyAnswer(p, sdp);
        if (!p.engineAdded && sends) {
            ctx.engine().addParticipant(id, p.id, p.name, p.engineSsrc, p.audioLevelExtId);
            p.engineAdded = true;
        }
        sources.update();
        if (p.needsOffer) {
            negotiation.sendOffer(p);
        }
    }

    public void candidate(Peer p, String candidate) {
        if (candidate == null || candidate.isBlank()) {
            return; // end of candidates
        }
        p.transport.addRemoteCandidate(candidate.startsWith("a=") ? candidate.substring(2) : candidate);
    }

    /** Pins {@code target} as this participant's own main video; null or unknown unpins. */
    public synchronized void pin(Peer p, String target) {
        sources.pin(p, target);
    }

    public synchronized void mute(Peer p, boolean audioMuted, boolean videoMuted) {
        p.audioMuted = audioMuted;
        if (p.videoMuted != videoMuted) {
            ctx.engine().setVideoMuted(id, p.id, videoMuted); // the mix shows the name placeholder, not black
        }
        p.videoMuted = videoMuted;
        announceParticipants(false);
    }

    /** The main speaker chosen by an operator (gRPC); null returns to automatic selection. */
    public synchronized void setMainSpeaker(String participantId) throws RoomException {
        sources.setMainSpeaker(participantId, System.currentTimeMillis());
    }

    public synchronized void leave(Peer p, String reason) {
        if (peers.remove(p.id) == null) {
            return;
        }
        relayed.retire(List.of(p), this::publishPeers);
        chat.forget(p.id);
        p2p.onLeave(p, System.currentTimeMillis());
        LOG.info("room '{}': {} left ({}), {} participant(s) remain", id, p, reason, peers.size());
        events.event(id, "participant-left", java.util.Map.of("participantId", p.id, "reason", reason == null ? "" : reason,
                "participants", Integer.toString(peers.size())));
        p.transport.close();
        ctx.engine().removeParticipant(id, p.id);
        mixedIn.forget(p.id);
        audioMix.update(peers.values(), System.nanoTime()); // back to the threshold: forwarded again at once
        sources.left(p, System.currentTimeMillis()); // a screen share that ends: back to the voices
        for (Peer q : peers.values()) {
            for (int i = 0; i < q.audioSlots.size(); i++) {
                Peer.AudioSlot s = q.audioSlots.get(i);
                if (p.id.equals(s.senderId)) {
                    q.audioSlots.set(i, new Peer.AudioSlot(s.mid, randomSsrc(), null));
                }
            }
            q.publishSlots();
            negotiation.sendOffer(q);
        }
        sources.apply();
        announceParticipants(true);
    }

    /**
     * {@code p} says {@code text} in the chat ({@link ChatLog}): everyone in the room gets it, the sender too, and
     * while the room is recorded the engine keeps it with the recording (asynchronously, never waited for).
     */
    public synchronized ChatLog.Message chat(Peer p, String text) throws RoomException {
        if (!peers.containsKey(p.id)) {
            throw new RoomException("bad_message", "not in room '" + id + "'");
        }
        return chat.say(p, text);
    }

    /** The room's chat bot (docs/DESIGN.md "Chat bot"); null: none. */
    public void chatBot(ChatBot b) {
        chat.bot(b);
    }

    private synchronized void runIfOpen(Runnable r) {
        if (!closed) {
            r.run();
        }
    }

    /** Whether {@code p}'s client allows a peer-to-peer call (its join said so). */
    public synchronized void allowP2p(Peer p, boolean allowed) {
        p.p2pAllowed = allowed;
    }

    /** A peer-to-peer message from {@code p}'s client ({@link P2pControl#onMessage}). */
    public synchronized void p2pMessage(Peer p, String type, com.fasterxml.jackson.databind.JsonNode m) throws RoomException {
        if (!peers.containsKey(p.id)) {
            throw new RoomException("bad_message", "not in room '" + id + "'");
        }
        p2p.onMessage(p, type, m, System.currentTimeMillis());
    }

    /** "p2p" while {@code p} talks peer to peer, else "server". */
    public synchronized String mediaMode(Peer p) {
        return p2p.modeOf(p);
    }

    /** Each participant's media mode by id: "p2p" or "server" (control API). */
    public synchronized Map<String, String> mediaModes() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Peer p : peers.values()) {
            out.put(p.id, p2p.modeOf(p));
        }
        return out;
    }

    /** The room's P2P state: mode, why it is on the server, and the counters. */
    public synchronized String p2pSummary() {
        return p2p.summary();
    }

    /** The engine records this room (or stopped): everyone is told, and everyone who joins later. */
    public synchronized void recording(boolean active, String by) {
        String next = active ? by : null;
        if (java.util.Objects.equals(next, recordingBy)) {
            return;
        }
        recordingBy = next;
        LOG.info("room '{}': {}", id, active ? "being recorded (started by " + by + ")" : "no longer recorded");
        for (Peer q : peers.values()) {
            q.channel.recording(active, by);
        }
    }

    public synchronized boolean isEmpty() {
        return peers.isEmpty();
    }

    /** True (and no join gets in any more) if nobody is in the room: the caller then {@link #close}s it. */
    synchronized boolean closeIfEmpty() {
        if (!peers.isEmpty() || closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** The client applied (or failed to apply) the send constraints of {@code version}. */
    public synchronized void constraintsApplied(Peer p, int version, String error) throws RoomException {
        if (!peers.containsKey(p.id)) {
            throw new RoomException("bad_message", "not in room '" + id + "'");
        }
        layers.applied(p, version, error);
    }

    private void announceParticipants(boolean force) {
        List<PeerChannel.ParticipantView> list = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Peer q : peers.values()) {
            boolean speaking = !q.audioMuted && now - q.lastVoiceMillis < SPEAKING_HOLD_MILLIS;
            list.add(new PeerChannel.ParticipantView(q.id, q.name, speaking, q.audioMuted, q.videoMuted));
        }
        if (force || !list.equals(announcedList)) {
            announcedList = list;
            for (Peer q : peers.values()) {
                q.channel.participants(list);
            }
        }
    }

    // ------------------------------------------------------------------ timer

    /** The shared timer's part: queue one tick on the lane, unless the last one has not run yet. */
    private void queueTick() {
        if (closed || !tickQueued.compareAndSet(false, true)) {
            if (!closed) {
                ticksSkipped.incrementAndGet();
            }
            return;
        }
        onLane(() -> {
            tickQueued.set(false);
            tickSafely();
        });
    }

    /** Runs {@code task} on the room's lane; a full lane (a stuck room) drops it with a log line. */
    private void onLane(Runnable task) {
        try {
            lane.execute(task);
        } catch (RejectedExecutionException e) {
            tickQueued.set(false);
            LOG.warn("room '{}': work dropped: {}", id, e.getMessage());
        }
    }

    private void tickSafely() {
        ticks.incrementAndGet();
        try {
            tickOnce();
        } catch (RuntimeException e) {
            LOG.error("room '{}': timer failed (the room goes on)", id, e);
        }
    }

    private void tickOnce() {
        long now = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        quality.tick(peerView, nowNanos);
        for (Peer p : peerView) {
            int uplinkRtt = UplinkFeedback.sendNacks(p, SFU_SSRC, nowNanos);
            ctx.engine().setParticipantRtt(id, p.id, uplinkRtt); // the engine's reorder wait follows it
            downlinks.allocate(p, peerView, nowNanos, now); // caps the main layer, or pauses it (mix only)
            UplinkFeedback.sendTransportCc(p, nowNanos);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            sources.tick(now);
            boolean available = mixReady && now - mix.lastPacketMillis() < MIX_STALE_MILLIS;
            if (available != mixAvailableSent) {
                mixAvailableSent = available;
                LOG.info("room '{}': mix {}", id, available ? "available" : "unavailable");
                for (Peer q : peers.values()) {
                    q.channel.mix(available);
                }
                if (available) {
                    ctx.engine().requestKeyframe(id);
                }
            }
            for (Peer q : audioMix.addSlots(peers.values())) {
                negotiation.sendOffer(q); // the room went over the audio mix threshold
            }
            audioMix.update(peers.values(), nowNanos);
            p2p.tick(peers.values(), now);
            announceParticipants(false);
            layers.updateConstraints(peers.values(), sources.main(), quality.latest(), now, nowNanos);
            layers.selectLayers(peers.values(), sources.main(), nowNanos);
        }
    }

    /**
     * Dynamic resolution ("send smaller video if you are not the speaker") on or off for this room; off, every
     * camera sends every layer. On by default; off is for comparisons (benchmarks/uplink-bytes.sh).
     */
    public void setDynamicResolution(boolean on) {
        layers.setDynamicResolution(on);
        LOG.info("room '{}': dynamic resolution {}", id, on ? "on" : "off");
    }

    /** Engine link: the mix is (not) being produced. */
    public void mixReady(boolean ready) {
        mixReady = ready;
    }

    // ------------------------------------------------------------------ media

    /** The engine needs a keyframe of this participant, or a receiver switched to it. */
    public void requestKeyframe(String participantId) {
        keyframes.ofEngineFeed(participantId);
    }

    /** The engine sends {@code participantId}'s mixed audio on {@code ssrc} (engine link thread). */
    public void mixAudioSsrc(String participantId, long ssrc) {
        mixedIn.learn(participantId, ssrc);
    }

    /** The engine's output for this room sends from {@code sender} (engine link thread). */
    public void mixSender(InetSocketAddress sender) {
        mix.expect(sender);
        if (sender.getPort() == 0) {
            LOG.warn("room '{}': the engine does not say where its mix comes from (an older engine): not pinned", id);
        } else {
            LOG.info("room '{}': mix taken from {} only", id, sender);
        }
    }

    private synchronized void publishPeers() {
        peerView = peers.values().toArray(new Peer[0]);
    }

    /** Every participant's latest connection quality, by participant id (control API, tests). */
    public Map<String, ParticipantQuality> quality() {
        return quality.latest();
    }

    /** Participants now, without the room's lock: a scrape never waits for a busy room. */
    public int peerCount() {
        return peerView.length;
    }

    /** What this room's media path has done, departed participants included (metrics; never waits for the room). */
    public RelayTotals metrics() {
        return relayed.total(() -> peerView).plus(RelayTotals.ofMix(mix, mixedIn));
    }

    /** A snapshot for the control API and tests. */
    public synchronized RoomSnapshot snapshot() {
        long now = System.nanoTime();
        List<RoomSnapshot.PeerSnapshot> list = new ArrayList<>();
        for (Peer q : peers.values()) {
            list.add(new RoomSnapshot.PeerSnapshot(q.id, q.name, q.transport.stats().toString(), q.mainSource, q.pinned,
                    q.rtpIn.get(), q.rtpDropped.get(), q.forwarded.get(), q.rtcpIn.get(), q.rtcpMalformed.get(),
                    q.nacksAnswered.get(), q.nacksMissed.get(), q.plisSent.get(), q.keyframeRequestsIn.get(), q.joinedAtMillis,
                    q.nacksSent.get(), q.camera.recovered(), q.camera.lost(),
                    PeerSnapshots.camera(q, q.mainSource == null ? null : peers.get(q.mainSource), now),
                    q.bwe.stats(now), PeerSnapshots.audio(q, mixedIn, now)));
        }
        return new RoomSnapshot(id, list, sources.main(), sources.previous(), sources.override(), mixAvailableSent,
                mix.packets(), mix.dropped(), sources.switches(), mix.wrongSender(), mix.sender(),
                new RoomSnapshot.MixedAudioSnapshot(audioMix.threshold(), audioMix.roomMixed(), mixedIn.packets.get(),
                        mixedIn.unknownSsrc.get(), mixedIn.early.get(), mixedIn.noSlot.get(), mixedIn.retired.get(), mix.wrongPayloadType(), audioMix.switches.get()));
    }

    @Override
    public void close() {
        List<Peer> left;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            closed = true;
            left = new ArrayList<>(peers.values());
            peers.clear();
            relayed.retire(left, this::publishPeers);
        }
        tick.cancel(false);
        for (Peer p : left) {
            p.transport.close();
        }
        mix.close();
        ctx.engine().closeRoom(id);
        LOG.info("room '{}' closed", id);
    }

    /** What the room's control stages (chat, P2P, main sources) see of it; called under the room's lock. */
    private final class ControlRoom implements RoomChat.Room, P2pControl.Room, MainSourceControl.Room {
        @Override
        public String id() {
            return id;
        }

        @Override
        public Collection<Peer> peers() {
            return peers.values();
        }

        @Override
        public Map<String, Peer> peersById() {
            return peers;
        }

        @Override
        public boolean recorded() {
            return recordingBy != null;
        }

        @Override
        public Engines engine() {
            return ctx.engine();
        }

        @Override
        public void onLane(Runnable r) {
            lane.execute(() -> runIfOpen(r));
        }

        @Override
        public void engineParked(boolean parked) {
            ctx.engine().parkRoom(id, parked);
        }

        @Override
        public void audioLevel(Peer p, int level, boolean voice, long nowMillis) {
            if (sources.onAudioLevel(p.id, level, voice, nowMillis)) {
                sources.apply();
            }
        }

        @Override
        public void speakerChanged(String main, String previous, boolean mainChanged) {
            if (mainChanged) {
                Peer mp = main == null ? null : peers.get(main);
                chat.mainSpeaker(main, mp == null ? null : mp.name, System.currentTimeMillis());
            }
            events.event(id, "speaker-changed", Map.of("main", main == null ? "" : main, "previous",
                    previous == null ? "" : previous));
            ctx.engine().setMainSpeaker(id, main);
        }

        @Override
        public void sourcesChosen(String main) {
            long now = System.nanoTime();
            layers.selectLayers(peers.values(), main, now);
            layers.updateConstraints(peers.values(), main, quality.latest(), System.currentTimeMillis(), now); // upgrades at once
        }
    }

    static long randomSsrc() {
        return ThreadLocalRandom.current().nextLong(1, 0xFFFFFFFFL);
    }
}
