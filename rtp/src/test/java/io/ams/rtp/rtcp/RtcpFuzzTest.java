package io.ams.rtp.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.RtpFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated datagrams: the parser returns packets or throws RtpFormatException, nothing else.
 * {@link #datagram} is the Jazzer fuzz target (regression inputs in
 * {@code src/test/resources/io/ams/rtp/rtcp/RtcpFuzzTestInputs/datagram/}); the random-mutation
 * test below stays as a cheap smoke test.
 */
class RtcpFuzzTest {

    /**
     * SR, RR, SDES, BYE, NACK, PLI, FIR, REMB, transport-cc and unknown types, alone or compound:
     * a non-empty list of packets whose values are in their ranges, or RtpFormatException.
     */
    @FuzzTest(maxDuration = "30s")
    void datagram(byte[] data) {
        RtcpParser.looksLikeRtcp(data, 0, data.length);
        List<RtcpPacket> list;
        try {
            list = RtcpParser.parse(data, 0, data.length);
        } catch (RtpFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(list).isNotEmpty().hasSizeLessThanOrEqualTo(data.length / 4);
        for (RtcpPacket p : list) {
            check(p);
        }
    }

    private static void check(RtcpPacket p) {
        if (p instanceof RtcpPacket.SenderReport sr) {
            sr.reports().forEach(RtcpFuzzTest::check);
        } else if (p instanceof RtcpPacket.ReceiverReport rr) {
            rr.reports().forEach(RtcpFuzzTest::check);
        } else if (p instanceof RtcpPacket.Sdes sdes) {
            sdes.chunks().forEach(c -> c.items().forEach(i -> assertThat(i.text()).isNotNull()));
        } else if (p instanceof RtcpPacket.Bye bye) {
            assertThat(bye.reason()).isNotNull();
        } else if (p instanceof RtcpPacket.Nack nack) {
            nack.lostSequenceNumbers().forEach(s -> assertThat(s).isBetween(0, 0xFFFF));
        } else if (p instanceof RtcpPacket.Fir fir) {
            fir.entries().forEach(e -> assertThat(e.sequenceNumber()).isBetween(0, 255));
        } else if (p instanceof RtcpPacket.Remb remb) {
            assertThat(remb.bitrateBps()).isNotNegative();
        } else if (p instanceof RtcpPacket.TransportCc t) {
            byte[] symbols = t.symbols();
            int[] deltas = t.deltaTicks();
            assertThat(symbols).hasSameSizeAs(deltas);
            for (int i = 0; i < symbols.length; i++) {
                assertThat((int) symbols[i]).isBetween(0, 2);
                assertThat(t.sequenceNumber(i)).isBetween(0, 0xFFFF);
                if (!t.received(i)) {
                    assertThat(deltas[i]).isZero();
                }
            }
            assertThat(t.feedbackPacketCount()).isBetween(0, 255);
        } else {
            assertThat(p).isInstanceOfAny(RtcpPacket.Pli.class, RtcpPacket.Unknown.class);
        }
    }

    private static void check(RtcpPacket.ReportBlock b) {
        assertThat(b.fractionLost()).isBetween(0, 255);
        assertThat(b.cumulativeLost()).isBetween(-(1 << 23), (1 << 23) - 1);
    }

    @Test
    @Timeout(120) // guards against an endless loop, not a performance check
    void randomAndMutatedInputOnlyYieldsPacketsOrRtpFormatException() {
        byte[][] seeds = {
                RtcpWriter.compound(RtcpWriter.senderReport(1, 2, 3, 4, 5,
                        List.of(new RtcpPacket.ReportBlock(1, 2, 3, 4, 5, 6, 7))), RtcpWriter.sdesCname(1, "cname")),
                RtcpWriter.nack(1, 2, new int[]{1, 2, 40, 41, 900}),
                RtcpWriter.remb(1, 2_000_000, 3, 4),
                RtcpWriter.compound(RtcpWriter.pli(1, 2), RtcpWriter.fir(1, 2, 3), RtcpWriter.bye("gone", 1, 2)),
                RtcpWriter.transportCc(1, 2, 65530, 100, 1, new int[]{1, RtcpWriter.NOT_RECEIVED, 500, -3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 16),
        };
        Random r = new Random(7);
        int ok = 0;
        int rejected = 0;
        for (int iter = 0; iter < 200_000; iter++) {
            byte[] b;
            if (iter % 4 == 0) {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
                if (b.length > 1) {
                    b[0] = (byte) (0x80 | (b[0] & 0x3F));
                    b[1] = (byte) (200 + r.nextInt(8));
                }
            } else {
                byte[] seed = seeds[r.nextInt(seeds.length)];
                int len = r.nextInt(4) == 0 ? r.nextInt(seed.length + 1) : seed.length;
                b = java.util.Arrays.copyOf(seed, len);
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips && len > 0; k++) {
                    b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            try {
                List<RtcpPacket> list = RtcpParser.parse(b, 0, b.length);
                assertThat(list).isNotEmpty();
                ok++;
            } catch (RtpFormatException e) {
                rejected++;
            }
        }
        assertThat(ok).isPositive();
        assertThat(rejected).isPositive();
    }
}
