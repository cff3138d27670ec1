package io.ams.rtp.testing;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;

import java.util.ArrayList;
import java.util.List;

/** Turns captured datagrams into RTP packets. */
public final class RtpCaptures {
    private RtpCaptures() {
    }

    /** The datagrams that are RTP packets with {@code payloadType}, parsed, in the given order. */
    public static List<RtpPacket> parse(List<byte[]> datagrams, int payloadType) {
        List<RtpPacket> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            if (!RtpPacket.looksLikeRtp(d, 0, d.length)) {
                continue;
            }
            try {
                RtpPacket p = RtpPacket.parse(d, 0, d.length);
                if (p.payloadType() == payloadType) {
                    out.add(p);
                }
            } catch (RtpFormatException e) {
                throw new AssertionError("peer sent a bad RTP packet: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
