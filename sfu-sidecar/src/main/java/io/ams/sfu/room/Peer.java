package io.ams.sfu.room;

import io.ams.rtp.VideoCodec;
import io.ams.sfu.bwe.DownlinkBwe;
import io.ams.sfu.relay.PacketCache;
import io.ams.sfu.relay.StreamRewriter;
import io.ams.sfu.relay.NackTracker;
import io.ams.sfu.relay.TwccFeedback;
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
    final String name;
    final PeerChannel channel;
    final PeerTransport transport;
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
    volatile String mainSource;   // participant id shown in the main slot
    volatile String pinned;       // participant this peer pinned as its own main video, or null

    // what it sends
    volatile long micSsrc;
    volatile long camSsrc;
    volatile int audioLevelExtId = -1;
    volatile int twccExtId = -1;
    volatile TwccFeedback twcc;                 // once the camera SSRC and the extension id are known
    /** Gaps in the camera's sequence numbers, NACKed back to this participant; replaced when the camera SSRC changes. */
    volatile NackTracker camLoss = NackTracker.standard();
    volatile long camLossSsrc;
    volatile long lastVoiceMillis;
    volatile boolean audioMuted;
    volatile boolean videoMuted;
    volatile long lastPliNanos;

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
    final AtomicLong nacksAnswered = new AtomicLong();
    final AtomicLong nacksMissed = new AtomicLong();
    final AtomicLong nacksSent = new AtomicLong();        // NACKs we sent to this participant for its camera
    final AtomicLong uplinkRecovered = new AtomicLong();  // camera packets that arrived after being NACKed (earlier SSRCs)
    final AtomicLong uplinkLost = new AtomicLong();       // camera packets never recovered (earlier SSRCs)
    final AtomicLong plisSent = new AtomicLong();
    final AtomicLong keyframeRequestsIn = new AtomicLong();
    final long joinedAtMillis = System.currentTimeMillis();

    Peer(String id, String name, PeerChannel channel, PeerTransport transport, long sessionId, long mainSsrc, long mixSsrc,
         StreamRewriter.KeyframeRequester keyframes, StreamRewriter.KeyframeRequester mixKeyframes) {
        this.id = id;
        this.name = name;
        this.channel = channel;
        this.transport = transport;
        this.sessionId = sessionId;
        this.mainSsrc = mainSsrc;
        this.mixSsrc = mixSsrc;
        this.mainRewriter = StreamRewriter.video(mainSsrc, 96, VideoCodec.VP8, keyframes);
        this.mixRewriter = StreamRewriter.video(mixSsrc, 96, VideoCodec.VP8, mixKeyframes);
        this.bwe = new DownlinkBwe(transport == null ? id : transport.peerId());
        this.bwe.setSlots(mainSsrc, mixSsrc);
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
