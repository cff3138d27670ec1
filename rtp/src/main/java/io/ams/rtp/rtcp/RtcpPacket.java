package io.ams.rtp.rtcp;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One RTCP packet of a (possibly compound, possibly reduced-size) RTCP datagram, as read by
 * {@link RtcpParser} or described for {@link RtcpWriter}. All variants are immutable values
 * that own copies of their bytes; SSRCs are unsigned 32-bit values held in a {@code long}.
 */
public sealed interface RtcpPacket {
    /** RFC 3550 packet types. */
    int SR = 200, RR = 201, SDES = 202, BYE = 203, APP = 204, RTPFB = 205, PSFB = 206, XR = 207;

    /** SSRC of whoever sent this packet (for SDES the first chunk's SSRC, for BYE the first SSRC, 0 if none). */
    long senderSsrc();

    /**
     * A reception report block (RFC 3550 6.4.1).
     *
     * @param cumulativeLost signed 24-bit count
     * @param lastSr         middle 32 bits of the last SR's NTP timestamp
     * @param delaySinceLastSr in units of 1/65536 s
     */
    record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
                       long lastSr, long delaySinceLastSr) {
    }

    /** RFC 3550 sender report. {@code ntpTimestamp} is the full 64-bit NTP time. */
    record SenderReport(long senderSsrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> reports) implements RtcpPacket {
        public SenderReport {
            reports = List.copyOf(reports);
        }
    }

    /** RFC 3550 receiver report. */
    record ReceiverReport(long senderSsrc, List<ReportBlock> reports) implements RtcpPacket {
        public ReceiverReport {
            reports = List.copyOf(reports);
        }
    }

    /** One SDES item: type 1 CNAME, 2 NAME, ... 8 PRIV; text decoded as UTF-8. */
    record SdesItem(int type, String text) {
    }

    /** One SDES chunk: the items describing one SSRC. */
    record SdesChunk(long ssrc, List<SdesItem> items) {
        public SdesChunk {
            items = List.copyOf(items);
        }
    }

    /** RFC 3550 source description. */
    record Sdes(List<SdesChunk> chunks) implements RtcpPacket {
        public Sdes {
            chunks = List.copyOf(chunks);
        }

        @Override
        public long senderSsrc() {
            return chunks.isEmpty() ? 0 : chunks.get(0).ssrc();
        }
    }

    /** RFC 3550 goodbye; {@code reason} is "" when absent. */
    record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {
        public Bye {
            ssrcs = List.copyOf(ssrcs);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public long senderSsrc() {
            return ssrcs.isEmpty() ? 0 : ssrcs.get(0);
        }
    }

    /** RFC 4585 picture loss indication (PSFB FMT 1). */
    record Pli(long senderSsrc, long mediaSsrc) implements RtcpPacket {
    }

    /** One FIR request: the media SSRC asked for a keyframe and the command sequence number (0..255). */
    record FirEntry(long ssrc, int sequenceNumber) {
    }

    /** RFC 5104 full intra request (PSFB FMT 4). */
    record Fir(long senderSsrc, List<FirEntry> entries) implements RtcpPacket {
        public Fir {
            entries = List.copyOf(entries);
        }
    }

    /** RFC 4585 generic NACK (RTPFB FMT 1), the PID/BLP pairs expanded into the lost sequence numbers in wire order. */
    record Nack(long senderSsrc, long mediaSsrc, List<Integer> lostSequenceNumbers) implements RtcpPacket {
        public Nack {
            lostSequenceNumbers = List.copyOf(lostSequenceNumbers);
        }
    }

    /** Receiver estimated maximum bitrate (PSFB FMT 15 with the "REMB" identifier). */
    record Remb(long senderSsrc, long bitrateBps, List<Long> ssrcs) implements RtcpPacket {
        public Remb {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /**
     * A packet of a type or feedback format we do not interpret (APP, XR, TMMBR, ...).
     *
     * @param countOrFormat the 5-bit RC/FMT field of the header
     * @param body          the bytes after the 4-byte header, padding removed
     */
    record Unknown(int packetType, int countOrFormat, byte[] body) implements RtcpPacket {
        public Unknown {
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public long senderSsrc() {
            return body.length >= 4 ? RtcpParser.u32(body, 0) : 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.packetType == packetType && u.countOrFormat == countOrFormat
                    && Arrays.equals(u.body, body);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * packetType + countOrFormat) + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Unknown[pt=" + packetType + " fmt=" + countOrFormat + " body=" + body.length + " bytes]";
        }
    }

    /**
     * Transport-wide congestion control feedback (RTPFB FMT 15,
     * draft-holmer-rmcat-transport-wide-cc-extensions-01), fully decoded.
     *
     * @param referenceTime       signed 24-bit, in units of 64 ms
     * @param feedbackPacketCount 0..255
     * @param symbols             per packet from {@code baseSequence}: 0 not received, 1 small delta, 2 large or negative delta
     * @param deltaTicks          per packet the receive delta in 250 us ticks from the previous received packet
     *                            (the first from the reference time); 0 for packets not received
     */
    record TransportCc(long senderSsrc, long mediaSsrc, int baseSequence, int referenceTime, int feedbackPacketCount,
                       byte[] symbols, int[] deltaTicks) implements RtcpPacket {
        /** Symbol: packet not received. */
        public static final int NOT_RECEIVED = 0;
        /** Symbol: received, delta 0..255 ticks in one byte. */
        public static final int SMALL_DELTA = 1;
        /** Symbol: received, delta -32768..32767 ticks in two bytes. */
        public static final int LARGE_DELTA = 2;

        public TransportCc {
            if (symbols.length != deltaTicks.length) {
                throw new IllegalArgumentException("symbols and deltas differ in length");
            }
            symbols = symbols.clone();
            deltaTicks = deltaTicks.clone();
        }

        /** Number of packets this feedback describes (the packet status count). */
        public int packetStatusCount() {
            return symbols.length;
        }

        @Override
        public byte[] symbols() {
            return symbols.clone();
        }

        @Override
        public int[] deltaTicks() {
            return deltaTicks.clone();
        }

        /** Whether packet {@code baseSequence + i} was received. */
        public boolean received(int i) {
            return symbols[i] != NOT_RECEIVED;
        }

        /** Sequence number of the {@code i}-th packet described. */
        public int sequenceNumber(int i) {
            return (baseSequence + i) & 0xFFFF;
        }

        /**
         * Arrival time of each described packet in 250 us ticks since the epoch of the reference time
         * ({@code referenceTime * 256 + cumulative deltas}); {@link Long#MIN_VALUE} for packets not received.
         */
        public long[] arrivalTicks() {
            long[] out = new long[symbols.length];
            long t = (long) referenceTime * 256;
            for (int i = 0; i < symbols.length; i++) {
                if (symbols[i] == NOT_RECEIVED) {
                    out[i] = Long.MIN_VALUE;
                } else {
                    t += deltaTicks[i];
                    out[i] = t;
                }
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TransportCc t && t.senderSsrc == senderSsrc && t.mediaSsrc == mediaSsrc
                    && t.baseSequence == baseSequence && t.referenceTime == referenceTime
                    && t.feedbackPacketCount == feedbackPacketCount && Arrays.equals(t.symbols, symbols)
                    && Arrays.equals(t.deltaTicks, deltaTicks);
        }

        @Override
        public int hashCode() {
            return Objects.hash(senderSsrc, mediaSsrc, baseSequence, referenceTime, feedbackPacketCount)
                    + 31 * Arrays.hashCode(symbols) + Arrays.hashCode(deltaTicks);
        }

        @Override
        public String toString() {
            return "TransportCc[sender=" + senderSsrc + " media=" + mediaSsrc + " base=" + baseSequence + " count="
                    + symbols.length + " ref=" + referenceTime + " fbCount=" + feedbackPacketCount + "]";
        }
    }
}
