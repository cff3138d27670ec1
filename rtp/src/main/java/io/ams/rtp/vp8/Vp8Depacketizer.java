package io.ams.rtp.vp8;

import io.ams.rtp.FrameAssembler;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

/**
 * VP8 depacketizer (RFC 7741). Strips the payload descriptor (X, N, S, PID and the I, L, T/K
 * extensions with 7- or 15-bit PictureID) and concatenates the VP8 payloads of a frame.
 *
 * <p>A frame must begin with a packet that has S=1 and PID=0; since that is visible, a frame
 * right after a sequence gap is kept when its first packet is intact. Keyframe: the P bit (bit 0
 * of the first byte of the VP8 payload header) is 0; a key frame must carry the 9d 01 2a start
 * code, and a frame whose first partition is longer than the frame is malformed.
 *
 * <p>After a loss, whether a complete frame may still be decoded is decided by a
 * {@link Vp8ReferenceTracker} from the descriptors (PictureID, TL0PICIDX, TID, Y, N) and the
 * frame header's show_frame bit. A truncated or garbage descriptor drops its frame and is
 * counted in {@link #malformed()}.
 */
public final class Vp8Depacketizer extends FrameAssembler {
    private final Vp8Descriptor descriptor = new Vp8Descriptor();
    private final Vp8ReferenceTracker references = new Vp8ReferenceTracker();
    private boolean keyframe;
    private int lastPictureId = -1;

    // what the packets of the frame being assembled said about it
    private boolean described;
    private int pictureId;
    private int pictureIdModulus;
    private int tl0PicIdx;
    private int temporalId;
    private boolean layerSync;
    private boolean nonReference;
    private boolean hidden;

    public Vp8Depacketizer() {
        super(VideoCodec.VP8, true);
    }

    @Override
    protected void startFrame() {
        keyframe = false;
        described = false;
        hidden = false;
    }

    @Override
    protected int appendPayload(RtpPacket p, boolean firstPacket) {
        byte[] b = p.buffer();
        int end = p.payloadOffset() + p.payloadLength();
        int pos = descriptor.parse(b, p.payloadOffset(), end);
        if (pos < 0) {
            return MALFORMED; // truncated descriptor, or descriptor without VP8 payload
        }
        describe();
        boolean start = descriptor.start();
        int partition = descriptor.partition();
        if (firstPacket) {
            if (!start || partition != 0) {
                return NOT_A_FRAME_START;
            }
            keyframe = (b[pos] & 0x01) == 0;
            hidden = (b[pos] & 0x10) == 0;
            if (keyframe && (end - pos < 10 || (b[pos + 3] & 0xFF) != 0x9D || b[pos + 4] != 0x01 || b[pos + 5] != 0x2A)) {
                return MALFORMED; // a key frame begins with a 10-byte header: tag, start code 9d 01 2a, size
            }
        } else if (start && partition == 0) {
            return MALFORMED; // a second frame start inside one timestamp
        }
        write(b, pos, end - pos);
        return APPENDED;
    }

    @Override
    protected boolean inspect(RtpPacket p) {
        if (descriptor.parse(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength()) < 0) {
            return false;
        }
        describe();
        return true;
    }

    /** Takes the frame's identity from the first packet of it whose descriptor was read. */
    private void describe() {
        if (descriptor.pictureId() != Vp8Descriptor.ABSENT) {
            lastPictureId = descriptor.pictureId();
        }
        if (described) {
            return;
        }
        described = true;
        pictureId = descriptor.pictureId();
        pictureIdModulus = descriptor.pictureIdModulus();
        tl0PicIdx = descriptor.tl0PicIdx();
        temporalId = descriptor.temporalId();
        layerSync = descriptor.layerSync();
        nonReference = descriptor.nonReference();
    }

    private Vp8FrameInfo frameInfo() {
        return described
                ? new Vp8FrameInfo(pictureId, pictureIdModulus, tl0PicIdx, temporalId, layerSync, nonReference, hidden)
                : Vp8FrameInfo.UNKNOWN;
    }

    @Override
    protected byte[] finishFrame(byte[] buf, int length) {
        if (length < 3) {
            return null;
        }
        int tag = (buf[0] & 0xFF) | (buf[1] & 0xFF) << 8 | (buf[2] & 0xFF) << 16;
        int firstPartitionSize = tag >>> 5;
        if ((keyframe ? 10 : 3) + firstPartitionSize > length) {
            return null; // the first partition runs past the frame: truncated
        }
        return super.finishFrame(buf, length);
    }

    @Override
    protected boolean isKeyframe() {
        return keyframe;
    }

    @Override
    protected void onPacketsLost() {
        references.onPacketsLost();
    }

    @Override
    protected void onFrameDropped(long receivedNanos) {
        references.onFrameDropped(frameInfo(), receivedNanos);
    }

    @Override
    protected boolean admit(boolean key, long receivedNanos) {
        return references.onFrameComplete(frameInfo(), key, receivedNanos);
    }

    @Override
    public boolean needsKeyframe() {
        return references.needsKeyframe();
    }

    @Override
    protected void resetReferences() {
        references.reset();
    }

    /** The PictureID of the last packet that carried one, or -1. */
    public int lastPictureId() {
        return lastPictureId;
    }
}
