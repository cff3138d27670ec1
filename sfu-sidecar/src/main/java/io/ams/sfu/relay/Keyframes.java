package io.ams.sfu.relay;

import io.ams.rtp.VideoCodec;

/**
 * Tells whether an RTP payload begins a keyframe, the only place a receiver can start decoding a
 * new source. VP8 (RFC 7741): S=1, partition 0 and the P bit of the first VP8 payload byte 0.
 * H.264 (RFC 6184): an IDR slice or SPS as a single NAL unit, inside a STAP-A, or at the start
 * of an FU-A. Stateless; never throws on short or garbled payloads (answers false).
 */
public final class Keyframes {
    private Keyframes() {
    }

    /** Whether {@code b[off, off+len)} (an RTP payload of {@code codec}) starts a keyframe. */
    public static boolean isKeyframeStart(VideoCodec codec, byte[] b, int off, int len) {
        return codec == VideoCodec.VP8 ? vp8(b, off, len) : h264(b, off, len);
    }

    /** VP8: the offset of the VP8 payload after the descriptor, or -1 if the descriptor is truncated. */
    static int vp8PayloadStart(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        if (p >= end) {
            return -1;
        }
        int d0 = b[p++] & 0xFF;
        if ((d0 & 0x80) != 0) {
            if (p >= end) {
                return -1;
            }
            int x = b[p++] & 0xFF;
            if ((x & 0x80) != 0) {
                if (p >= end) {
                    return -1;
                }
                p += (b[p] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                p++;
            }
            if ((x & 0x30) != 0) {
                p++;
            }
        }
        return p < end ? p : -1;
    }

    /**
     * The picture size a VP8 keyframe start announces (RFC 6386 section 9.1: frame tag, start code
     * 9d 01 2a, 14-bit width and height), packed as {@code width << 16 | height}; -1 when the payload
     * is not the start of a keyframe or is too short.
     */
    public static int vp8KeyframeSize(byte[] b, int off, int len) {
        if (!vp8(b, off, len)) {
            return -1;
        }
        int p = vp8PayloadStart(b, off, len);
        if (p < 0 || p + 10 > off + len || (b[p + 3] & 0xFF) != 0x9D || (b[p + 4] & 0xFF) != 0x01 || (b[p + 5] & 0xFF) != 0x2A) {
            return -1;
        }
        int w = ((b[p + 6] & 0xFF) | (b[p + 7] & 0xFF) << 8) & 0x3FFF;
        int h = ((b[p + 8] & 0xFF) | (b[p + 9] & 0xFF) << 8) & 0x3FFF;
        return w << 16 | h;
    }

    private static boolean vp8(byte[] b, int off, int len) {
        if (len < 2) {
            return false;
        }
        int d0 = b[off] & 0xFF;
        if ((d0 & 0x10) == 0 || (d0 & 0x07) != 0) {
            return false;
        }
        int p = vp8PayloadStart(b, off, len);
        return p >= 0 && (b[p] & 0x01) == 0;
    }

    private static boolean h264(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1F;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) { // STAP-A: 16-bit size, NAL unit, ...
            int p = off + 1;
            int end = off + len;
            while (p + 3 <= end) {
                int size = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
                int t = b[p + 2] & 0x1F;
                if (size > 0 && (t == 5 || t == 7)) {
                    return true;
                }
                p += 2 + size;
            }
            return false;
        }
        if (type == 28 && len >= 2) { // FU-A: start bit and inner type
            int fu = b[off + 1] & 0xFF;
            int t = fu & 0x1F;
            return (fu & 0x80) != 0 && (t == 5 || t == 7);
        }
        return false;
    }
}
