package io.ams.rtp.rtcp;

import io.ams.rtp.RtpFormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses RTCP datagrams: compound packets (RFC 3550) and reduced-size single feedback packets
 * (RFC 5506, rtcp-rsize: no SR/RR required first). Every packet is checked against its own
 * length field and the datagram; anything that does not fit raises {@link RtpFormatException},
 * never another exception. Each loop advances by at least 4 bytes, so parsing is linear in the
 * input. Stateless; the returned values own copies of their bytes.
 */
public final class RtcpParser {
    private static final int REMB_ID = ('R' << 24) | ('E' << 16) | ('M' << 8) | 'B';

    private RtcpParser() {
    }

    /**
     * A cheap test whether a datagram is RTCP rather than RTP (RFC 5761): version 2 and a second
     * byte (packet type) of 192..223.
     */
    public static boolean looksLikeRtcp(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 4 || off > buf.length - len) {
            return false;
        }
        int pt = buf[off + 1] & 0xFF;
        return (buf[off] & 0xC0) == 0x80 && pt >= 192 && pt <= 223;
    }

    /**
     * Parses all packets of the datagram {@code buf[off, off+len)}.
     *
     * @throws RtpFormatException if any packet is malformed or the lengths do not add up exactly
     */
    public static List<RtcpPacket> parse(byte[] buf, int off, int len) throws RtpFormatException {
        if (buf == null) {
            throw new RtpFormatException("no buffer");
        }
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new RtpFormatException("range " + off + "+" + len + " outside buffer of " + buf.length);
        }
        if (len < 4) {
            throw new RtpFormatException("truncated RTCP: " + len + " bytes");
        }
        List<RtcpPacket> out = new ArrayList<>(2);
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < 4) {
                throw new RtpFormatException("trailing " + (end - pos) + " bytes after RTCP packet");
            }
            int b0 = buf[pos] & 0xFF;
            if ((b0 >>> 6) != 2) {
                throw new RtpFormatException("bad RTCP version " + (b0 >>> 6));
            }
            int count = b0 & 0x1F;
            int pt = buf[pos + 1] & 0xFF;
            int size = (u16(buf, pos + 2) + 1) * 4;
            if (size > end - pos) {
                throw new RtpFormatException("RTCP packet type " + pt + " of " + size + " bytes exceeds datagram of " + (end - pos));
            }
            int bodyEnd = pos + size;
            if ((b0 & 0x20) != 0) {
                int pad = buf[bodyEnd - 1] & 0xFF;
                if (pad == 0 || pad > size - 4) {
                    throw new RtpFormatException("bad RTCP padding " + pad + " in packet of " + size + " bytes");
                }
                bodyEnd -= pad;
            }
            out.add(parseOne(buf, pos + 4, bodyEnd, pt, count));
            pos += size;
        }
        return out;
    }

    private static RtcpPacket parseOne(byte[] b, int p, int end, int pt, int count) throws RtpFormatException {
        return switch (pt) {
            case RtcpPacket.SR -> senderReport(b, p, end, count);
            case RtcpPacket.RR -> receiverReport(b, p, end, count);
            case RtcpPacket.SDES -> sdes(b, p, end, count);
            case RtcpPacket.BYE -> bye(b, p, end, count);
            case RtcpPacket.RTPFB -> transportFeedback(b, p, end, count);
            case RtcpPacket.PSFB -> payloadFeedback(b, p, end, count);
            default -> new RtcpPacket.Unknown(pt, count, Arrays.copyOfRange(b, p, end));
        };
    }

    private static RtcpPacket senderReport(byte[] b, int p, int end, int rc) throws RtpFormatException {
        need(end - p, 24 + 24 * rc, "SR with " + rc + " report blocks");
        long ssrc = u32(b, p);
        long ntp = (u32(b, p + 4) << 32) | u32(b, p + 8);
        return new RtcpPacket.SenderReport(ssrc, ntp, u32(b, p + 12), u32(b, p + 16), u32(b, p + 20),
                reportBlocks(b, p + 24, rc));
    }

    private static RtcpPacket receiverReport(byte[] b, int p, int end, int rc) throws RtpFormatException {
        need(end - p, 4 + 24 * rc, "RR with " + rc + " report blocks");
        return new RtcpPacket.ReceiverReport(u32(b, p), reportBlocks(b, p + 4, rc));
    }

    private static List<RtcpPacket.ReportBlock> reportBlocks(byte[] b, int p, int rc) {
        List<RtcpPacket.ReportBlock> list = new ArrayList<>(rc);
        for (int i = 0; i < rc; i++, p += 24) {
            int lost = ((b[p + 5] & 0xFF) << 16) | u16(b, p + 6);
            lost = (lost << 8) >> 8; // sign-extend 24 bits
            list.add(new RtcpPacket.ReportBlock(u32(b, p), b[p + 4] & 0xFF, lost, u32(b, p + 8), u32(b, p + 12),
                    u32(b, p + 16), u32(b, p + 20)));
        }
        return list;
    }

    private static RtcpPacket sdes(byte[] b, int p, int end, int sc) throws RtpFormatException {
        List<RtcpPacket.SdesChunk> chunks = new ArrayList<>(sc);
        int start = p;
        for (int c = 0; c < sc; c++) {
            need(end - p, 4, "SDES chunk header");
            long ssrc = u32(b, p);
            p += 4;
            List<RtcpPacket.SdesItem> items = new ArrayList<>(1);
            while (true) {
                if (p >= end) {
                    throw new RtpFormatException("SDES chunk without terminating null item");
                }
                int type = b[p] & 0xFF;
                if (type == 0) {
                    p++;
                    p = start + ((p - start + 3) & ~3); // chunk ends on a 32-bit boundary
                    break;
                }
                need(end - p, 2, "SDES item header");
                int n = b[p + 1] & 0xFF;
                need(end - p - 2, n, "SDES item text");
                items.add(new RtcpPacket.SdesItem(type, new String(b, p + 2, n, StandardCharsets.UTF_8)));
                p += 2 + n;
            }
            if (p > end) {
                throw new RtpFormatException("SDES chunk padding exceeds packet");
            }
            chunks.add(new RtcpPacket.SdesChunk(ssrc, items));
        }
        return new RtcpPacket.Sdes(chunks);
    }

    private static RtcpPacket bye(byte[] b, int p, int end, int sc) throws RtpFormatException {
        need(end - p, 4 * sc, "BYE with " + sc + " SSRCs");
        List<Long> ssrcs = new ArrayList<>(sc);
        for (int i = 0; i < sc; i++, p += 4) {
            ssrcs.add(u32(b, p));
        }
        String reason = "";
        if (p < end) {
            int n = b[p] & 0xFF;
            need(end - p - 1, n, "BYE reason");
            reason = new String(b, p + 1, n, StandardCharsets.UTF_8);
        }
        return new RtcpPacket.Bye(ssrcs, reason);
    }

    private static RtcpPacket transportFeedback(byte[] b, int p, int end, int fmt) throws RtpFormatException {
        need(end - p, 8, "RTPFB header");
        long sender = u32(b, p);
        long media = u32(b, p + 4);
        if (fmt == 1) {
            int pairs = (end - p - 8) / 4;
            List<Integer> lost = new ArrayList<>(pairs * 2);
            for (int i = 0, q = p + 8; i < pairs; i++, q += 4) {
                int pid = u16(b, q);
                int blp = u16(b, q + 2);
                lost.add(pid);
                for (int bit = 0; bit < 16; bit++) {
                    if ((blp & (1 << bit)) != 0) {
                        lost.add((pid + bit + 1) & 0xFFFF);
                    }
                }
            }
            return new RtcpPacket.Nack(sender, media, lost);
        }
        if (fmt == 15) {
            return transportCc(b, p, end, sender, media);
        }
        return new RtcpPacket.Unknown(RtcpPacket.RTPFB, fmt, Arrays.copyOfRange(b, p, end));
    }

    private static RtcpPacket transportCc(byte[] b, int p, int end, long sender, long media) throws RtpFormatException {
        need(end - p, 16, "transport-cc header");
        int base = u16(b, p + 8);
        int count = u16(b, p + 10);
        int ref = ((b[p + 12] & 0xFF) << 16) | u16(b, p + 13);
        ref = (ref << 8) >> 8;
        int fbCount = b[p + 15] & 0xFF;
        int q = p + 16;
        byte[] symbols = new byte[count];
        int n = 0;
        while (n < count) {
            need(end - q, 2, "transport-cc packet chunk");
            int chunk = u16(b, q);
            q += 2;
            if ((chunk & 0x8000) == 0) { // run length
                int symbol = (chunk >>> 13) & 0x3;
                int run = chunk & 0x1FFF;
                if (run == 0) {
                    throw new RtpFormatException("transport-cc run length 0");
                }
                checkSymbol(symbol);
                for (int i = 0; i < run && n < count; i++) {
                    symbols[n++] = (byte) symbol;
                }
            } else if ((chunk & 0x4000) == 0) { // 14 one-bit symbols
                for (int i = 13; i >= 0 && n < count; i--) {
                    symbols[n++] = (byte) ((chunk >>> i) & 0x1);
                }
            } else { // 7 two-bit symbols
                for (int i = 6; i >= 0 && n < count; i--) {
                    int symbol = (chunk >>> (2 * i)) & 0x3;
                    checkSymbol(symbol);
                    symbols[n++] = (byte) symbol;
                }
            }
        }
        int[] deltas = new int[count];
        for (int i = 0; i < count; i++) {
            if (symbols[i] == RtcpPacket.TransportCc.SMALL_DELTA) {
                need(end - q, 1, "transport-cc small delta");
                deltas[i] = b[q++] & 0xFF;
            } else if (symbols[i] == RtcpPacket.TransportCc.LARGE_DELTA) {
                need(end - q, 2, "transport-cc large delta");
                deltas[i] = (short) u16(b, q);
                q += 2;
            }
        }
        return new RtcpPacket.TransportCc(sender, media, base, ref, fbCount, symbols, deltas);
    }

    private static void checkSymbol(int symbol) throws RtpFormatException {
        if (symbol == 3) {
            throw new RtpFormatException("transport-cc reserved status symbol 3");
        }
    }

    private static RtcpPacket payloadFeedback(byte[] b, int p, int end, int fmt) throws RtpFormatException {
        need(end - p, 8, "PSFB header");
        long sender = u32(b, p);
        long media = u32(b, p + 4);
        switch (fmt) {
            case 1:
                return new RtcpPacket.Pli(sender, media);
            case 4: {
                int entries = (end - p - 8) / 8;
                List<RtcpPacket.FirEntry> list = new ArrayList<>(entries);
                for (int i = 0, q = p + 8; i < entries; i++, q += 8) {
                    list.add(new RtcpPacket.FirEntry(u32(b, q), b[q + 4] & 0xFF));
                }
                return new RtcpPacket.Fir(sender, list);
            }
            case 15:
                if (end - p >= 16 && (int) u32(b, p + 8) == REMB_ID) {
                    int num = b[p + 12] & 0xFF;
                    need(end - p - 16, 4 * num, "REMB with " + num + " SSRCs");
                    int exp = (b[p + 13] & 0xFF) >>> 2;
                    long mantissa = ((b[p + 13] & 0x03L) << 16) | u16(b, p + 14);
                    long bps = mantissa == 0 ? 0 : exp > Long.numberOfLeadingZeros(mantissa) - 1 ? Long.MAX_VALUE : mantissa << exp;
                    List<Long> ssrcs = new ArrayList<>(num);
                    for (int i = 0, q = p + 16; i < num; i++, q += 4) {
                        ssrcs.add(u32(b, q));
                    }
                    return new RtcpPacket.Remb(sender, bps, ssrcs);
                }
                // other application-layer feedback
            default:
                return new RtcpPacket.Unknown(RtcpPacket.PSFB, fmt, Arrays.copyOfRange(b, p, end));
        }
    }

    private static void need(int have, int need, String what) throws RtpFormatException {
        if (have < need) {
            throw new RtpFormatException("truncated " + what + ": need " + need + " bytes, have " + have);
        }
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
