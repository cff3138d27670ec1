package io.ams.sfu.transport;

/** What a datagram on the shared port is, by its first byte (RFC 7983) and, for RTP/RTCP, RFC 5761. */
enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    static PacketKind of(byte[] b, int off, int len) {
        if (len < 1) {
            return UNKNOWN;
        }
        int first = b[off] & 0xFF;
        if (first <= 3) {
            return STUN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (len < 2) {
                return UNKNOWN;
            }
            int payloadType = b[off + 1] & 0xFF;
            return payloadType >= 192 && payloadType <= 223 ? RTCP : RTP;
        }
        return UNKNOWN;
    }
}
