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
    final AtomicLong framesDecoded = new AtomicLong();
    final AtomicLong framesDropped = new AtomicLong();
    final AtomicLong decodeErrors = new AtomicLong();
    final AtomicLong keyframeRequests = new AtomicLong();
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
