package io.ams.engine.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one participant's ingress. Written by the participant's event-loop thread, read by
 * the stats API from any thread.
 */
public final class IngressStats {
    final AtomicLong packets = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong wrongSender = new AtomicLong();
    final AtomicLong framesDecoded = new AtomicLong();
    final AtomicLong framesDropped = new AtomicLong();
    final AtomicLong decodeErrors = new AtomicLong();
    final AtomicLong keyframeRequests = new AtomicLong();
    final AtomicLong keyframeRequestsStart = new AtomicLong();
    final AtomicLong keyframeRequestsLoss = new AtomicLong();
    final AtomicLong keyframeRequestsDecoderError = new AtomicLong();
    final AtomicLong rttHintsClamped = new AtomicLong();
    volatile long framesAcrossLoss;
    volatile long framesIncomplete;
    volatile long framesReferenceLost;
    volatile long packetsReordered;
    volatile long packetsLate;
    volatile long payloadsMalformed;
    volatile int reorderWaitMillis;
    volatile int rttMillis = -1;     // -1: no hint given
    volatile long lost;
    volatile long framesReceived;
    volatile int width;
    volatile int height;
    volatile long lastFrameNanos;   // 0: never decoded a frame
    volatile long latchedSsrc = -1;  // -1: none yet

    public long packets() {
        return packets.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Datagrams refused: not RTP, malformed, unexpected payload type or SSRC. */
    public long rejected() {
        return rejected.get();
    }

    /** Datagrams dropped because they came from an address other than the participant's sender (not in rejected). */
    public long wrongSender() {
        return wrongSender.get();
    }

    public long lost() {
        return lost;
    }

    public long framesReceived() {
        return framesReceived;
    }

    public long framesDecoded() {
        return framesDecoded.get();
    }

    public long framesDropped() {
        return framesDropped.get();
    }

    public long decodeErrors() {
        return decodeErrors.get();
    }

    public long keyframeRequests() {
        return keyframeRequests.get();
    }

    /** Keyframe requests raised because no keyframe has come yet (start, new SSRC). */
    public long keyframeRequestsStart() {
        return keyframeRequestsStart.get();
    }

    /** Keyframe requests raised because repair failed and the following frames depend on what was lost. */
    public long keyframeRequestsLoss() {
        return keyframeRequestsLoss.get();
    }

    /** Keyframe requests raised because the decoder refused a frame. */
    public long keyframeRequestsDecoderError() {
        return keyframeRequestsDecoderError.get();
    }

    /** RTT hints outside 0..5000 ms, clamped. */
    public long rttHintsClamped() {
        return rttHintsClamped.get();
    }

    /** Non-key frames decoded after a loss with no keyframe since. */
    public long framesAcrossLoss() {
        return framesAcrossLoss;
    }

    /** Frames dropped as incomplete (a packet lost), malformed or too big. */
    public long framesIncomplete() {
        return framesIncomplete;
    }

    /** Complete frames dropped because a frame they reference was lost. */
    public long framesReferenceLost() {
        return framesReferenceLost;
    }

    /** Packets that arrived out of order and were put back in order. */
    public long packetsReordered() {
        return packetsReordered;
    }

    /** Packets that arrived after their gap had been given up. */
    public long packetsLate() {
        return packetsLate;
    }

    /** Payloads that violate the payload format. */
    public long payloadsMalformed() {
        return payloadsMalformed;
    }

    /** How long a gap holds packets back now. */
    public int reorderWaitMillis() {
        return reorderWaitMillis;
    }

    /** The uplink RTT last hinted, or -1. */
    public int rttMillis() {
        return rttMillis;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Milliseconds since the last decoded frame, or -1 when none was ever decoded. */
    public long lastFrameAgeMillis(long nowNanos) {
        long t = lastFrameNanos;
        return t == 0 ? -1 : (nowNanos - t) / 1_000_000L;
    }

    /** The SSRC the ingress accepts (latched from the first valid packet), or -1. */
    public long ssrc() {
        return latchedSsrc;
    }
}
