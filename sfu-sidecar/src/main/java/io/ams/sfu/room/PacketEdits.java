package io.ams.sfu.room;

/**
 * Small byte-level edits on RTP packets that the relay makes before forwarding. The input has been
 * validated by {@link io.ams.rtp.RtpPacket#parse}; these methods do not re-validate.
 */
final class PacketEdits {
    private PacketEdits() {
    }

    /**
     * Writes the packet without its header extension block and padding, with a new SSRC, into
     * {@code dst}; returns the length written, or -1 if it does not fit. Extension ids and values
     * (transport-wide sequence numbers above all) mean something only between the sender and us, so
     * nothing we forward carries them.
     */
    static int forwardInto(byte[] b, int off, int payloadOffset, int payloadLength, long newSsrc, byte[] dst) {
        int fixed = 12 + 4 * (b[off] & 0x0F);
        if (fixed + payloadLength > dst.length) {
            return -1;
        }
        System.arraycopy(b, off, dst, 0, fixed);
        dst[0] = (byte) (dst[0] & ~0x30); // clear P and X
        System.arraycopy(b, payloadOffset, dst, fixed, payloadLength);
        setSsrc(dst, newSsrc);
        return fixed + payloadLength;
    }

    static void setSsrc(byte[] pkt, long ssrc) {
        pkt[8] = (byte) (ssrc >>> 24);
        pkt[9] = (byte) (ssrc >>> 16);
        pkt[10] = (byte) (ssrc >>> 8);
        pkt[11] = (byte) ssrc;
    }

    static long ssrc(byte[] pkt, int off) {
        return ((pkt[off + 8] & 0xFFL) << 24) | ((pkt[off + 9] & 0xFFL) << 16) | ((pkt[off + 10] & 0xFFL) << 8) | (pkt[off + 11] & 0xFFL);
    }
}
