package io.ams.rtp.vp8;

import io.ams.rtp.FrameAssembler;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

/**
 * VP8 depacketizer (RFC 7741). Strips the payload descriptor (X, N, S, PID and the I, L, T/K
 * extensions with 7- or 15-bit PictureID) and concatenates the VP8 payloads of a frame.
 *
 * <p>A frame must begin with a packet that has S=1 and PID=0; since that is visible, a frame
 * right after a sequence gap is kept when its first packet is intact (it is still dropped if it
 * is not a keyframe, because the gap broke the reference chain). Keyframe: the P bit (bit 0 of
 * the first byte of the VP8 payload header) is 0.
 */
public final class Vp8Depacketizer extends FrameAssembler {
    private boolean keyframe;
    private int lastPictureId = -1;

    public Vp8Depacketizer() {
        super(VideoCodec.VP8, true);
    }

    @Override
    protected void startFrame() {
        keyframe = false;
    }

    @Override
    protected int appendPayload(RtpPacket p, boolean firstPacket) {
        byte[] b = p.buffer();
        int pos = p.payloadOffset();
        int end = pos + p.payloadLength();
        int d0 = b[pos++] & 0xFF;
        boolean start = (d0 & 0x10) != 0;
        int partition = d0 & 0x07;
        if ((d0 & 0x80) != 0) { // X: extension byte follows
            if (pos >= end) {
                return MALFORMED;
            }
            int x = b[pos++] & 0xFF;
            if ((x & 0x80) != 0) { // I: PictureID
                if (pos >= end) {
                    return MALFORMED;
                }
                int m = b[pos++] & 0xFF;
                if ((m & 0x80) != 0) { // M: 15-bit PictureID
                    if (pos >= end) {
                        return MALFORMED;
                    }
                    lastPictureId = ((m & 0x7F) << 8) | (b[pos++] & 0xFF);
                } else {
                    lastPictureId = m;
                }
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                pos++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                pos++;
            }
        }
        if (pos >= end) {
            return MALFORMED; // descriptor without VP8 payload
        }
        if (firstPacket) {
            if (!start || partition != 0) {
                return NOT_A_FRAME_START;
            }
            keyframe = (b[pos] & 0x01) == 0;
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
    protected boolean isKeyframe() {
        return keyframe;
    }

    /** The PictureID of the last packet that carried one, or -1. */
    public int lastPictureId() {
        return lastPictureId;
    }
}
