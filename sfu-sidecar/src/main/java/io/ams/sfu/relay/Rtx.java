package io.ams.sfu.relay;

import io.ams.rtp.RtpPacket;

/**
 * RTX (RFC 4588): a retransmission on its own SSRC and payload type carries the original sequence
 * number (OSN) in the first two payload bytes. {@link #unwrap} restores the original packet, so the
 * repair path sees the media stream's SSRC, payload type and numbers.
 */
public final class Rtx {
    private Rtx() {
    }

    /**
     * Writes the original packet of RTX packet {@code rtx} into {@code dst} (fixed header and CSRCs, no
     * header extension, no padding) with {@code mediaSsrc} and {@code mediaPt}.
     *
     * @return its length; 0 for a padding-only RTX packet (a bandwidth probe, nothing to restore); -1 if it
     *     does not fit in {@code dst}
     */
    public static int unwrap(RtpPacket rtx, long mediaSsrc, int mediaPt, byte[] dst) {
        byte[] b = rtx.buffer();
        int off = rtx.offset();
        if (rtx.payloadLength() < 2) {
            return 0;
        }
        int fixed = 12 + 4 * (b[off] & 0x0F);
        int payload = rtx.payloadLength() - 2;
        if (payload == 0) {
            return 0;
        }
        if (fixed + payload > dst.length) {
            return -1;
        }
        System.arraycopy(b, off, dst, 0, fixed);
        dst[0] = (byte) (dst[0] & ~0x30); // no padding, no extension
        dst[1] = (byte) ((b[off + 1] & 0x80) | (mediaPt & 0x7F));
        int osnAt = rtx.payloadOffset();
        dst[2] = b[osnAt];
        dst[3] = b[osnAt + 1];
        dst[8] = (byte) (mediaSsrc >>> 24);
        dst[9] = (byte) (mediaSsrc >>> 16);
        dst[10] = (byte) (mediaSsrc >>> 8);
        dst[11] = (byte) mediaSsrc;
        System.arraycopy(b, osnAt + 2, dst, fixed, payload);
        return fixed + payload;
    }
}
