package io.ams.rtp;

/** Writes the 12-byte fixed RTP header (version 2, no padding, no extension, no CSRCs). */
public final class RtpHeaderWriter {
    private RtpHeaderWriter() {
    }

    /**
     * Writes a header at {@code dst[off, off+12)}; the payload follows at {@code off + 12}.
     *
     * @param seq       sequence number, only the low 16 bits are used
     * @param timestamp RTP timestamp, only the low 32 bits are used
     * @param ssrc      SSRC, only the low 32 bits are used
     * @return 12, the number of bytes written
     */
    public static int write(byte[] dst, int off, boolean marker, int payloadType, int seq, long timestamp, long ssrc) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType + " outside 0..127");
        }
        dst[off] = (byte) 0x80;
        dst[off + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        dst[off + 2] = (byte) (seq >>> 8);
        dst[off + 3] = (byte) seq;
        dst[off + 4] = (byte) (timestamp >>> 24);
        dst[off + 5] = (byte) (timestamp >>> 16);
        dst[off + 6] = (byte) (timestamp >>> 8);
        dst[off + 7] = (byte) timestamp;
        dst[off + 8] = (byte) (ssrc >>> 24);
        dst[off + 9] = (byte) (ssrc >>> 16);
        dst[off + 10] = (byte) (ssrc >>> 8);
        dst[off + 11] = (byte) ssrc;
        return RtpPacket.HEADER_SIZE;
    }
}
