package io.ams.rtp;

import java.util.Objects;

/**
 * One complete encoded video frame (an "access unit"): what a depacketizer assembles from RTP
 * packets and what an encoder hands to a packetizer.
 *
 * <p>For H.264 {@code data} is Annex B (each NAL unit preceded by a 00 00 00 01 start code);
 * for VP8 it is the raw VP8 frame as a decoder takes it.
 *
 * @param codec          the codec of {@code data}
 * @param data           the frame's bytes; owned by this record, never modified after creation
 * @param keyframe       true for a VP8 key frame or an H.264 access unit containing an IDR slice
 * @param rtpTimestamp   the RTP timestamp (90 kHz) of the frame, unsigned 32 bits in a long
 * @param receivedNanos  {@link System#nanoTime()} when the last packet of the frame arrived
 *                       (for latency measurement); 0 where not applicable
 */
public record EncodedFrame(VideoCodec codec, byte[] data, boolean keyframe, long rtpTimestamp, long receivedNanos) {
    public EncodedFrame {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(data, "data");
    }

    public int size() {
        return data.length;
    }
}
