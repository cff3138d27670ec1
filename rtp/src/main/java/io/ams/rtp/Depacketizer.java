package io.ams.rtp;

import io.ams.rtp.h264.H264Depacketizer;
import io.ams.rtp.vp8.Vp8Depacketizer;

/**
 * Assembles encoded frames from the in-order RTP packets of one stream (the output of a
 * {@link ReorderBuffer}).
 *
 * <p>A frame ends at the packet with the marker bit (or, for a sender that omits it, where the
 * timestamp changes with no sequence gap). A frame that lost a packet - a sequence gap inside
 * it, at its start or at its end - is dropped and counted ({@link #framesIncomplete()}); an
 * incomplete frame never reaches the decoder. After a loss, a complete frame is handed out only
 * when the frames it references were handed out: for H.264 (no reference information in the
 * payload format) that means not until the next keyframe; for VP8 the payload descriptor tells
 * (temporal layers, layer sync, non-reference frames, PictureIDs, see
 * {@link io.ams.rtp.vp8.Vp8ReferenceTracker}), so decoding often goes on across the loss.
 * Frames dropped because a reference is missing are counted in {@link #framesReferenceLost()};
 * {@link #needsKeyframe()} is true when only a keyframe can help. The depacketizer starts out
 * needing a keyframe.
 *
 * <p>The depacketizer sees a sequence gap only once repair has failed: the reorder buffer in
 * front of it waits for retransmissions before it gives a gap up.
 *
 * <p>Media path: nothing here throws on bad input; payloads that violate the format are counted
 * in {@link #malformed()} and their frame dropped. Frames larger than {@link #MAX_FRAME_BYTES}
 * are dropped and counted. Not thread-safe: one ingest thread owns an instance. The returned
 * frames own their bytes (fresh arrays, not views of the packets).
 */
public interface Depacketizer {
    /** Largest frame assembled; a bigger one is dropped. */
    int MAX_FRAME_BYTES = 4 << 20;

    /**
     * Feeds the next packet in sequence order; returns a finished frame, or null. One packet can
     * finish two frames - the one before it, whose sender left the marker off, and its own - so a
     * caller takes further frames with {@link #poll()} until it answers null.
     */
    EncodedFrame push(RtpPacket packet);

    /** A frame the last {@link #push} finished but did not return, or null. */
    EncodedFrame poll();

    /** True when only a keyframe makes the stream decodable again (at the start, after a loss the frames depend on). */
    boolean needsKeyframe();

    /** Frames dropped: lost packets, malformed payloads, too big, or a reference missing. */
    long framesDropped();

    /** Frames dropped because they are incomplete (a packet lost), malformed or too big. */
    long framesIncomplete();

    /** Complete frames dropped because a frame they reference did not reach the decoder. */
    long framesReferenceLost();

    /** Non-key frames handed out after a loss with no keyframe since: decoded across the loss. */
    long framesDecodableAcrossLoss();

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
