package io.ams.rtp;

import io.ams.rtp.h264.H264Depacketizer;
import io.ams.rtp.vp8.Vp8Depacketizer;

/**
 * Assembles encoded frames from the in-order RTP packets of one stream (the output of a
 * {@link ReorderBuffer}).
 *
 * <p>A frame ends at the packet with the marker bit (or, for a sender that omits it, where the
 * timestamp changes with no sequence gap). A frame that lost a packet - a sequence gap inside
 * it, at its start or at its end - is dropped and counted, and {@link #needsKeyframe()} becomes
 * true; from then on frames that are not keyframes are dropped as well until a keyframe arrives,
 * because decoding them would produce garbage. The depacketizer starts out needing a keyframe.
 *
 * <p>Media path: nothing here throws on bad input; payloads that violate the format are counted
 * in {@link #malformed()} and their frame dropped. Frames larger than {@link #MAX_FRAME_BYTES}
 * are dropped and counted. Not thread-safe: one ingest thread owns an instance. The returned
 * frames own their bytes (fresh arrays, not views of the packets).
 */
public interface Depacketizer {
    /** Largest frame assembled; a bigger one is dropped. */
    int MAX_FRAME_BYTES = 4 << 20;

    /** Feeds the next packet in sequence order; returns a finished frame, or null. */
    EncodedFrame push(RtpPacket packet);

    /** True after a loss (and at the start) until a keyframe has been handed out. */
    boolean needsKeyframe();

    /** Frames dropped: lost packets, malformed payloads, too big, or not a keyframe while one is needed. */
    long framesDropped();

    /** Frames handed out. */
    long framesCompleted();

    /** Packets whose payload violates the payload format. */
    long malformed();

    /** Forgets the frame being assembled and the last sequence number; needs a keyframe again. Counters stay. */
    void reset();

    /** A new depacketizer for {@code codec}. */
    static Depacketizer forCodec(VideoCodec codec) {
        switch (codec) {
            case VP8:
                return new Vp8Depacketizer();
            case H264:
                return new H264Depacketizer();
            default:
                throw new IllegalArgumentException("no depacketizer for " + codec);
        }
    }
}
