package io.ams.sfu.bwe;

/**
 * Padding-only RTP packets for probing, in the form Chrome accepts: on the SSRC of a stream the receiver
 * already decodes (the main or mix slot), with the next sequence number of that stream and the timestamp
 * of the frame just completed (sent only right after a packet with the marker bit), padding bit set, no
 * payload, the last byte counting the padding (RFC 3550 5.1). libwebrtc sends the same when RTX is not
 * negotiated; its receiver (RtpVideoStreamReceiver2) treats an empty payload as a padding packet that
 * fills the sequence gap, so the decoder never waits for it, and its transport-wide number is reported
 * in transport-cc feedback like any other packet. A separate padding SSRC would not do: with BUNDLE and a
 * payload type shared by several m-sections Chrome cannot demultiplex an unsignalled SSRC and drops it
 * before bandwidth estimation sees it.
 */
public final class PaddingPackets {
    /** Largest padding per packet: the count is one byte. */
    public static final int MAX_PADDING = 255;

    private PaddingPackets() {
    }

    /**
     * Writes a padding-only packet of {@code 12 + padding} bytes into {@code dst[0..]}.
     *
     * @param padding 1..255 bytes
     * @return the packet length
     */
    public static int write(byte[] dst, long ssrc, int payloadType, int seq, long timestamp, int padding) {
        if (padding < 1 || padding > MAX_PADDING || dst.length < 12 + padding) {
            throw new IllegalArgumentException("padding " + padding + " into " + dst.length + " bytes");
        }
        dst[0] = (byte) 0xA0; // V=2, P=1
        dst[1] = (byte) (payloadType & 0x7F);
        dst[2] = (byte) (seq >>> 8);
        dst[3] = (byte) seq;
        dst[4] = (byte) (timestamp >>> 24);
        dst[5] = (byte) (timestamp >>> 16);
        dst[6] = (byte) (timestamp >>> 8);
        dst[7] = (byte) timestamp;
        dst[8] = (byte) (ssrc >>> 24);
        dst[9] = (byte) (ssrc >>> 16);
        dst[10] = (byte) (ssrc >>> 8);
        dst[11] = (byte) ssrc;
        java.util.Arrays.fill(dst, 12, 12 + padding - 1, (byte) 0);
        dst[12 + padding - 1] = (byte) padding;
        return 12 + padding;
    }
}
