package io.ams.sfu.room;

import io.ams.rtp.VideoCodec;
import io.ams.sfu.layers.CameraLayers;
import io.ams.sfu.layers.SenderConstraints;
import io.ams.sfu.bwe.DownlinkBwe;
import io.ams.sfu.relay.PacketCache;
import io.ams.sfu.relay.StreamRewriter;
import io.ams.sfu.relay.TwccFeedback;
import io.ams.sfu.transport.MediaSink;
import io.ams.sfu.transport.PeerTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One participant of a room: its transport, what it sends (microphone and camera SSRCs), what it
 * receives (the main-speaker slot, the mix slot, one audio slot per other participant) and the state
 * of its offer/answer exchange. Mutable negotiation state is guarded by the room's lock; the media
 * fields read on the packet path are volatile or thread-safe.
 */
final class Peer {
    /** An m-section carrying another participant's audio to this peer; {@code senderId} null = free. */
    static final class AudioSlot {
        final String mid;
        final long ssrc;
        volatile String senderId;
        volatile boolean negotiated;
        long offeredIn;

        AudioSlot(String mid, long ssrc, String senderId) {
            this.mid = mid;
            this.ssrc = ssrc;
            this.senderId = senderId;
        }
    }

    final String id;
    private final String cname;
    final String name;
    final PeerChannel channel;
    final PeerTransport transport;
    /** What the media path sends this participant through: its transport (a recorder in stage tests). */
    final MediaSink media;
    final long sessionId;

    // what it receives
    final long mainSsrc;
    final long mixSsrc;
    final StreamRewriter mainRewriter;
    final StreamRewriter mixRewriter;
    final PacketCache mainCache = PacketCache.standard();
    final PacketCache mixCache = PacketCache.standard();
    final List<AudioSlot> audioSlots = new ArrayList<>(); // room lock
    /** Send-side bandwidth estimation and allocation of everything we send to this peer (thread-safe). */
    final DownlinkBwe bwe;
    volatile AudioSlot[] audioSlotView = new AudioSlot[0];
    /** Its mixed-audio slot, once the room reached the audio mix threshold (MixedAudioControl); null before. */
    volatile MixedAudio mixedAudio;
    volatile String mainSource;   // participant id shown in the main slot
    volatile String pinned;       // participant this peer pinned as its own main video, or null
    /** A screen share (join "screen"): sends one video, receives nothing, is everyone's main video. Set at join. */
    volatile String screenOf;     // the participant name sharing, null for a camera participant
    /** Highest layer index its downlink carries for the main video (the allocator's choice). */
    volatile int mainLayerCap = Integer.MAX_VALUE;
    /** Its downlink cannot carry the main video next to the mix: the main relay is paused for it. */
    volatile boolean mixOnly;
    PeerChannel.Bandwidth bandwidthSent;        // timer thread
    long bandwidthSentMillis;                   // timer thread

    // what it sends
    volatile long micSsrc;
    /** The camera's layers (simulcast) or its one stream; each layer tracks its own uplink loss. */
    final CameraLayers camera = new CameraLayers();
    volatile int audioLevelExtId = -1;
    volatile int twccExtId = -1;
    volatile int ridExtId = -1;
    volatile int repairedRidExtId = -1;
    volatile TwccFeedback twcc;                 // once the extension id is known
    /** The engine's feed of this camera: one continuous stream on {@link #engineSsrc}, from the layer its tile needs. */
    final long engineSsrc;
    final StreamRewriter engineRewriter;        // guarded by itself
    /** What this camera is asked to send (room lock / timer). */
    final SenderConstraints constraints = new SenderConstraints();
    /** How many top layers its congested uplink leaves off (room timer). */
    final io.ams.sfu.layers.UplinkGuard uplinkGuard = new io.ams.sfu.layers.UplinkGuard();
    List<SenderConstraints.Encoding> constraintsSent = List.of(); // room lock
    int constraintsAckedVersion;                // room lock
    long constraintsSentMillis;                 // room lock
    boolean constraintsOverdueCounted;          // room lock
    long constraintsAckedMillis;                // room lock
    int ignoredCheckedVersion;                  // room lock
    volatile long lastVoiceMillis;
    volatile boolean audioMuted;
    /** Its client allows a peer-to-peer call (join message {@code "p2p": true}). */
    volatile boolean p2pAllowed;
    volatile boolean videoMuted;
    volatile long lastPliNanos;
    /** Network analyzer: uplink and downlink quality, our sender reports to this peer. */
    final io.ams.sfu.quality.PeerQuality quality = new io.ams.sfu.quality.PeerQuality();

    // negotiation (room lock)
    long offerVersion;
    boolean awaitingAnswer;
    boolean needsOffer;
    boolean transportStarted;
    boolean engineAdded;

    // counters
    final AtomicLong rtpIn = new AtomicLong();
    final AtomicLong rtpDropped = new AtomicLong();
    final AtomicLong rtcpIn = new AtomicLong();
    final AtomicLong rtcpMalformed = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong audioToEngine = new AtomicLong();    // its Opus packets sent to the engine (for the audio mix)
    final AtomicLong nacksAnswered = new AtomicLong();
    final AtomicLong nacksMissed = new AtomicLong();
    final AtomicLong nacksSent = new AtomicLong();        // NACKs we sent to this participant for its camera
    final AtomicLong rtxUnknown = new AtomicLong();       // RTX packets for no known layer
    final AtomicLong paddingIn = new AtomicLong();        // padding-only probes (RTX or media SSRC)
    final AtomicLong constraintsMessages = new AtomicLong();
    final AtomicLong constraintsUnanswered = new AtomicLong(); // not applied by the client within 5 s
    final AtomicLong layersIgnored = new AtomicLong();    // layers still sent 2 s after we switched them off
    final AtomicLong plisSent = new AtomicLong();
    final AtomicLong keyframeRequestsIn = new AtomicLong();
    final long joinedAtMillis = System.currentTimeMillis();
    /** What it receives over its P2P call, from its own stats (p2p-stats "link"). */
    final io.ams.sfu.quality.ClientLinkReport p2pLink = new io.ams.sfu.quality.ClientLinkReport();
    /** The other of its call while it runs peer to peer, else null (P2pControl sets it; the quality timer reads it). */
    volatile Peer p2pWith;
    /** The transport state its media connection failed in before it was ever READY (ICE or DTLS); null if it did not. */
    volatile PeerTransport.State setupFailedIn;

    Peer(String id, String name, PeerChannel channel, PeerTransport transport, long sessionId, long mainSsrc, long mixSsrc,
         long engineSsrc, StreamRewriter.KeyframeRequester keyframes, StreamRewriter.KeyframeRequester mixKeyframes) {
        this(id, name, channel, transport, transport, sessionId, mainSsrc, mixSsrc, engineSsrc, keyframes, mixKeyframes);
    }

    /** With media going to {@code media} instead of a transport (stage tests; {@code transport} may be null). */
    Peer(String id, String name, PeerChannel channel, PeerTransport transport, MediaSink media, long sessionId, long mainSsrc,
         long mixSsrc, long engineSsrc, StreamRewriter.KeyframeRequester keyframes, StreamRewriter.KeyframeRequester mixKeyframes) {
        this.id = id;
        this.cname = cnameOf(id); // read per relayed packet: made once
        this.name = name;
        this.channel = channel;
        this.transport = transport;
        this.media = media;
        this.sessionId = sessionId;
        this.mainSsrc = mainSsrc;
        this.mixSsrc = mixSsrc;
        this.mainRewriter = StreamRewriter.video(mainSsrc, 96, VideoCodec.VP8, keyframes);
        this.mixRewriter = StreamRewriter.video(mixSsrc, 96, VideoCodec.VP8, mixKeyframes);
        this.engineSsrc = engineSsrc;
        this.engineRewriter = StreamRewriter.video(engineSsrc, 96, VideoCodec.VP8, keyframes);
        this.bwe = new DownlinkBwe(transport == null ? id : transport.peerId());
        this.bwe.setSlots(mainSsrc, mixSsrc);
        this.bwe.setProbing(true); // padding on the mix slot (MixPadding)
    }

    /**
     * The CNAME of this participant's streams as we relay them (RFC 3550 6.5.1: one per participant, the
     * same on its audio and its video): in our sender reports and its audio slots' a=ssrc lines.
     */
    String cname() {
        return cname;
    }

    static String cnameOf(String participantId) {
        return "ams-" + participantId;
    }

    boolean screen() {
        return screenOf != null;
    }

    boolean hasCamera() {
        return camera.any();
    }

    AudioSlot audioSlotFor(String senderId) {
        for (AudioSlot s : audioSlotView) {
            if (senderId.equals(s.senderId)) {
                return s;
            }
        }
        return null;
    }

    void publishSlots() {
        audioSlotView = audioSlots.toArray(new AudioSlot[0]);
    }

    @Override
    public String toString() {
        return id + "(" + name + ")";
    }
}
