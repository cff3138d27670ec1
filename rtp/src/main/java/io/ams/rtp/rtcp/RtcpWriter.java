package io.ams.rtp.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Builds RTCP packets as new byte arrays (control rate, a few per second per stream). Each method
 * returns one complete packet that may be sent alone (reduced-size RTCP, RFC 5506) or
 * concatenated with others by {@link #compound(byte[]...)}. Arguments out of range throw
 * {@link IllegalArgumentException}: they are programming errors, not media.
 */
public final class RtcpWriter {
    private static final int MAX_WORDS = 0xFFFF;

    private RtcpWriter() {
    }

    /** RFC 3550 sender report with up to 31 report blocks. */
    public static byte[] senderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                                      List<RtcpPacket.ReportBlock> reports) {
        checkCount(reports.size(), "report blocks");
        byte[] b = header(RtcpPacket.SR, reports.size(), 24 + 24 * reports.size());
        put32(b, 4, ssrc);
        put32(b, 8, ntpTimestamp >>> 32);
        put32(b, 12, ntpTimestamp);
        put32(b, 16, rtpTimestamp);
        put32(b, 20, packetCount);
        put32(b, 24, octetCount);
        putBlocks(b, 28, reports);
        return b;
    }

    /** RFC 3550 receiver report with up to 31 report blocks (none is valid: an empty RR). */
    public static byte[] receiverReport(long ssrc, List<RtcpPacket.ReportBlock> reports) {
        checkCount(reports.size(), "report blocks");
        byte[] b = header(RtcpPacket.RR, reports.size(), 4 + 24 * reports.size());
        put32(b, 4, ssrc);
        putBlocks(b, 8, reports);
        return b;
    }

    /** RFC 3550 SDES with one chunk holding one CNAME item. */
    public static byte[] sdesCname(long ssrc, String cname) {
        byte[] text = cname.getBytes(StandardCharsets.UTF_8);
        if (text.length > 255) {
            throw new IllegalArgumentException("CNAME longer than 255 bytes");
        }
        int chunk = (4 + 2 + text.length + 1 + 3) & ~3; // null item terminator, then pad to 32 bits
        byte[] b = header(RtcpPacket.SDES, 1, chunk);
        put32(b, 4, ssrc);
        b[8] = 1;
        b[9] = (byte) text.length;
        System.arraycopy(text, 0, b, 10, text.length);
        return b;
    }

    /** RFC 3550 BYE for the given SSRCs, with an optional reason ("" for none). */
    public static byte[] bye(String reason, long... ssrcs) {
        checkCount(ssrcs.length, "SSRCs");
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > 255) {
            throw new IllegalArgumentException("reason longer than 255 bytes");
        }
        int body = 4 * ssrcs.length + (text.length == 0 ? 0 : (1 + text.length + 3) & ~3);
        byte[] b = header(RtcpPacket.BYE, ssrcs.length, body);
        for (int i = 0; i < ssrcs.length; i++) {
            put32(b, 4 + 4 * i, ssrcs[i]);
        }
        if (text.length > 0) {
            int at = 4 + 4 * ssrcs.length;
            b[at] = (byte) text.length;
            System.arraycopy(text, 0, b, at + 1, text.length);
        }
        return b;
    }

    /** RFC 4585 picture loss indication (12 bytes). */
    public static byte[] pli(long senderSsrc, long mediaSsrc) {
        byte[] b = header(RtcpPacket.PSFB, 1, 8);
        put32(b, 4, senderSsrc);
        put32(b, 8, mediaSsrc);
        return b;
    }

    /** RFC 5104 full intra request for one media SSRC; {@code seq} is the command sequence number (low 8 bits used). */
    public static byte[] fir(long senderSsrc, long mediaSsrc, int seq) {
        byte[] b = header(RtcpPacket.PSFB, 4, 16);
        put32(b, 4, senderSsrc);
        // media source SSRC of the common header is 0 for FIR (RFC 5104 4.3.1.2)
        put32(b, 12, mediaSsrc);
        b[16] = (byte) seq;
        return b;
    }

    /**
     * RFC 4585 generic NACK for the given lost sequence numbers, packed into PID/BLP pairs: the
     * numbers are deduplicated and ordered by their distance (mod 2^16) from the first one, then
     * each PID covers itself and the 16 numbers after it.
     */
    public static byte[] nack(long senderSsrc, long mediaSsrc, int[] lostSeqs) {
        if (lostSeqs.length == 0) {
            throw new IllegalArgumentException("no sequence numbers to NACK");
        }
        int first = lostSeqs[0] & 0xFFFF;
        int[] d = new int[lostSeqs.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = ((lostSeqs[i] & 0xFFFF) - first) & 0xFFFF;
        }
        Arrays.sort(d);
        int[] fci = new int[d.length]; // PID << 16 | BLP
        int pairs = 0;
        for (int i = 0; i < d.length; ) {
            int pid = d[i];
            int blp = 0;
            int j = i + 1;
            while (j < d.length && d[j] - pid <= 16) {
                if (d[j] != pid) {
                    blp |= 1 << (d[j] - pid - 1);
                }
                j++;
            }
            fci[pairs++] = (((pid + first) & 0xFFFF) << 16) | blp;
            i = j;
        }
        if (pairs > MAX_WORDS - 2) {
            throw new IllegalArgumentException("too many NACK pairs: " + pairs);
        }
        byte[] b = header(RtcpPacket.RTPFB, 1, 8 + 4 * pairs);
        put32(b, 4, senderSsrc);
        put32(b, 8, mediaSsrc);
        for (int i = 0; i < pairs; i++) {
            put32(b, 12 + 4 * i, fci[i] & 0xFFFFFFFFL);
        }
        return b;
    }

    /**
     * REMB (draft-alvestrand-rmcat-remb): {@code bps} encoded as an 18-bit mantissa and 6-bit
     * exponent (rounded down to what fits), applying to {@code ssrcs}.
     */
    public static byte[] remb(long senderSsrc, long bps, long... ssrcs) {
        if (bps < 0) {
            throw new IllegalArgumentException("negative bitrate " + bps);
        }
        if (ssrcs.length > 255) {
            throw new IllegalArgumentException("more than 255 SSRCs in REMB");
        }
        int exp = 0;
        long mantissa = bps;
        while (mantissa > 0x3FFFF) {
            mantissa >>>= 1;
            exp++;
        }
        byte[] b = header(RtcpPacket.PSFB, 15, 16 + 4 * ssrcs.length);
        put32(b, 4, senderSsrc);
        b[12] = 'R';
        b[13] = 'E';
        b[14] = 'M';
        b[15] = 'B';
        b[16] = (byte) ssrcs.length;
        b[17] = (byte) ((exp << 2) | (int) (mantissa >>> 16));
        b[18] = (byte) (mantissa >>> 8);
        b[19] = (byte) mantissa;
        for (int i = 0; i < ssrcs.length; i++) {
            put32(b, 20 + 4 * i, ssrcs[i]);
        }
        return b;
    }

    /** Marks a transport-cc packet as not received in {@link #transportCc}'s {@code deltaTicks}. */
    public static final int NOT_RECEIVED = Integer.MIN_VALUE;

    /**
     * Transport-cc feedback (RTPFB FMT 15) for {@code count} consecutive transport-wide sequence
     * numbers from {@code baseSeq}. {@code deltaTicks[i]} is the receive delta of packet i in 250 us
     * ticks from the previous received packet (the first from the reference time), -32768..32767,
     * or {@link #NOT_RECEIVED}. Status chunks use run length where a symbol repeats, otherwise
     * 1-bit or 2-bit status vectors.
     *
     * @param referenceTime signed 24-bit reference time in units of 64 ms (low 24 bits used)
     * @param fbPktCount    feedback packet count (low 8 bits used)
     */
    public static byte[] transportCc(long senderSsrc, long mediaSsrc, int baseSeq, int referenceTime, int fbPktCount,
                                     int[] deltaTicks, int count) {
        if (count < 1 || count > 0xFFFF || count > deltaTicks.length) {
            throw new IllegalArgumentException("packet status count " + count);
        }
        byte[] symbols = new byte[count];
        int deltaBytes = 0;
        for (int i = 0; i < count; i++) {
            int d = deltaTicks[i];
            if (d == NOT_RECEIVED) {
                symbols[i] = 0;
            } else if (d >= 0 && d <= 255) {
                symbols[i] = 1;
                deltaBytes += 1;
            } else if (d >= Short.MIN_VALUE && d <= Short.MAX_VALUE) {
                symbols[i] = 2;
                deltaBytes += 2;
            } else {
                throw new IllegalArgumentException("delta " + d + " ticks out of range at " + i);
            }
        }
        int[] chunks = new int[count];
        int nChunks = 0;
        for (int i = 0; i < count; ) {
            int s = symbols[i];
            int run = 1;
            while (i + run < count && symbols[i + run] == s && run < 0x1FFF) {
                run++;
            }
            int left = count - i;
            boolean oneBit = true;
            for (int k = i; k < Math.min(count, i + 14); k++) {
                oneBit &= symbols[k] <= 1;
            }
            if (run >= 14 || run == left || (run >= 7 && !oneBit)) {
                chunks[nChunks++] = (s << 13) | run;
                i += run;
            } else if (oneBit) {
                int c = 0x8000;
                for (int k = 0; k < 14 && i + k < count; k++) {
                    c |= symbols[i + k] << (13 - k);
                }
                chunks[nChunks++] = c;
                i += 14;
            } else {
                int c = 0xC000;
                for (int k = 0; k < 7 && i + k < count; k++) {
                    c |= symbols[i + k] << (2 * (6 - k));
                }
                chunks[nChunks++] = c;
                i += 7;
            }
        }
        int body = (16 + 2 * nChunks + deltaBytes + 3) & ~3;
        if (body / 4 > MAX_WORDS - 1) {
            throw new IllegalArgumentException("transport-cc feedback too large");
        }
        byte[] b = header(RtcpPacket.RTPFB, 15, body);
        put32(b, 4, senderSsrc);
        put32(b, 8, mediaSsrc);
        b[12] = (byte) (baseSeq >>> 8);
        b[13] = (byte) baseSeq;
        b[14] = (byte) (count >>> 8);
        b[15] = (byte) count;
        b[16] = (byte) (referenceTime >>> 16);
        b[17] = (byte) (referenceTime >>> 8);
        b[18] = (byte) referenceTime;
        b[19] = (byte) fbPktCount;
        int at = 20;
        for (int i = 0; i < nChunks; i++) {
            b[at++] = (byte) (chunks[i] >>> 8);
            b[at++] = (byte) chunks[i];
        }
        for (int i = 0; i < count; i++) {
            if (symbols[i] == 1) {
                b[at++] = (byte) deltaTicks[i];
            } else if (symbols[i] == 2) {
                b[at++] = (byte) (deltaTicks[i] >>> 8);
                b[at++] = (byte) deltaTicks[i];
            }
        }
        int padded = 4 + body;
        if (at < padded) { // RFC 3550 padding: last byte counts the padding bytes, P bit set
            b[0] |= 0x20;
            b[padded - 1] = (byte) (padded - at);
        }
        return b;
    }

    /** Concatenates packets into one compound datagram (RFC 3550: put an SR or RR first). */
    public static byte[] compound(byte[]... packets) {
        int n = 0;
        for (byte[] p : packets) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : packets) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] header(int pt, int countOrFormat, int bodyBytes) {
        byte[] b = new byte[4 + bodyBytes];
        int words = bodyBytes / 4;
        b[0] = (byte) (0x80 | countOrFormat);
        b[1] = (byte) pt;
        b[2] = (byte) (words >>> 8);
        b[3] = (byte) words;
        return b;
    }

    private static void putBlocks(byte[] b, int at, List<RtcpPacket.ReportBlock> reports) {
        for (RtcpPacket.ReportBlock r : reports) {
            put32(b, at, r.ssrc());
            b[at + 4] = (byte) r.fractionLost();
            int lost = r.cumulativeLost();
            b[at + 5] = (byte) (lost >>> 16);
            b[at + 6] = (byte) (lost >>> 8);
            b[at + 7] = (byte) lost;
            put32(b, at + 8, r.extendedHighestSeq());
            put32(b, at + 12, r.jitter());
            put32(b, at + 16, r.lastSr());
            put32(b, at + 20, r.delaySinceLastSr());
            at += 24;
        }
    }

    private static void checkCount(int n, String what) {
        if (n > 31) {
            throw new IllegalArgumentException("more than 31 " + what);
        }
    }

    private static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
