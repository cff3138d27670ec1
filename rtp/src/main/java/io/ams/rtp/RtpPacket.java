package io.ams.rtp;

/**
 * An immutable parsed view of one RTP packet (RFC 3550) over a byte array, without copying.
 *
 * <p>Ownership: the packet does not own {@link #buffer()}; whoever parsed it must not modify or
 * reuse those bytes while the packet (or anything holding it, such as a {@link ReorderBuffer})
 * is alive. Receivers therefore parse each datagram into its own array.
 *
 * <p>The header extension (one-byte, two-byte or any other profile) and CSRC list are validated
 * and skipped; padding is validated and excluded from the payload.
 */
public final class RtpPacket {
    /** Size of the fixed RTP header. */
    public static final int HEADER_SIZE = 12;

    private final byte[] buffer;
    private final int offset;
    private final int length;
    private final int payloadOffset;
    private final int payloadLength;
    private final boolean marker;
    private final int payloadType;
    private final int sequenceNumber;
    private final long timestamp;
    private final long ssrc;
    private final long receivedNanos;

    private RtpPacket(byte[] buffer, int offset, int length, int payloadOffset, int payloadLength, long receivedNanos) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
        this.receivedNanos = receivedNanos;
        this.marker = (buffer[offset + 1] & 0x80) != 0;
        this.payloadType = buffer[offset + 1] & 0x7F;
        this.sequenceNumber = ((buffer[offset + 2] & 0xFF) << 8) | (buffer[offset + 3] & 0xFF);
        this.timestamp = readUnsigned32(buffer, offset + 4);
        this.ssrc = readUnsigned32(buffer, offset + 8);
    }

    /** Parses {@code buf[offset, offset+length)} with a receive time of 0. */
    public static RtpPacket parse(byte[] buf, int offset, int length) throws RtpFormatException {
        return parse(buf, offset, length, 0L);
    }

    /**
     * Parses {@code buf[offset, offset+length)}.
     *
     * @param receivedNanos {@link System#nanoTime()} when the datagram arrived (the clock of
     *                      {@link ReorderBuffer} and of {@link EncodedFrame#receivedNanos()})
     * @throws RtpFormatException if the bytes are not a valid RTP packet; never anything else
     */
    public static RtpPacket parse(byte[] buf, int offset, int length, long receivedNanos) throws RtpFormatException {
        if (buf == null) {
            throw new RtpFormatException("no buffer");
        }
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new RtpFormatException("range " + offset + "+" + length + " outside buffer of " + buf.length);
        }
        if (length < HEADER_SIZE) {
            throw new RtpFormatException("truncated header: " + length + " bytes");
        }
        int b0 = buf[offset] & 0xFF;
        int version = b0 >>> 6;
        if (version != 2) {
            throw new RtpFormatException("bad version " + version);
        }
        boolean padding = (b0 & 0x20) != 0;
        boolean extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
        int pos = HEADER_SIZE + 4 * csrcCount;
        if (pos > length) {
            throw new RtpFormatException("truncated CSRC list: " + csrcCount + " CSRCs need " + pos + " bytes, have " + length);
        }
        if (extension) {
            if (pos + 4 > length) {
                throw new RtpFormatException("truncated extension header at " + pos + " of " + length + " bytes");
            }
            int words = ((buf[offset + pos + 2] & 0xFF) << 8) | (buf[offset + pos + 3] & 0xFF);
            pos += 4 + 4 * words;
            if (pos > length) {
                throw new RtpFormatException("extension of " + words + " words exceeds packet of " + length + " bytes");
            }
        }
        int end = length;
        if (padding) {
            if (end == pos) {
                throw new RtpFormatException("padding bit set but no payload");
            }
            int pad = buf[offset + length - 1] & 0xFF;
            if (pad == 0) {
                throw new RtpFormatException("padding count 0");
            }
            if (pad > end - pos) {
                throw new RtpFormatException("padding " + pad + " exceeds payload " + (end - pos));
            }
            end -= pad;
        }
        return new RtpPacket(buf, offset, length, offset + pos, end - pos, receivedNanos);
    }

    /**
     * A cheap test whether a datagram could be RTP rather than RTCP, STUN or DTLS (RFC 5761,
     * RFC 7983): first byte 128..191 and second byte not an RTCP packet type 200..204.
     */
    public static boolean looksLikeRtp(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_SIZE || off > buf.length - len) {
            return false;
        }
        int b0 = buf[off] & 0xFF;
        int pt = buf[off + 1] & 0x7F;
        return b0 >= 128 && b0 <= 191 && (pt < 72 || pt > 76);
    }

    private static long readUnsigned32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    public int version() {
        return 2;
    }

    public boolean marker() {
        return marker;
    }

    public int payloadType() {
        return payloadType;
    }

    /** 0..65535. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** Unsigned 32 bits. */
    public long timestamp() {
        return timestamp;
    }

    /** Unsigned 32 bits. */
    public long ssrc() {
        return ssrc;
    }

    /** The array this packet views (not a copy; see the class comment on ownership). */
    public byte[] buffer() {
        return buffer;
    }

    /** Where the packet starts in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Whole packet length, header and padding included. */
    public int length() {
        return length;
    }

    /** Where the payload starts in {@link #buffer()} (after CSRCs and header extension). */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload length without padding; 0 for a padding-only packet. */
    public int payloadLength() {
        return payloadLength;
    }

    /** {@link System#nanoTime()} at arrival as given to {@link #parse(byte[], int, int, long)}; 0 if not given. */
    public long receivedNanos() {
        return receivedNanos;
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + " seq=" + sequenceNumber + " ts=" + timestamp + " ssrc=" + ssrc
                + (marker ? " M" : "") + " payload=" + payloadLength + "]";
    }
}
