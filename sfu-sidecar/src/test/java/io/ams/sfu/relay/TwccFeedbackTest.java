package io.ams.sfu.relay;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TwccFeedbackTest {
    private static final long MS = 1_000_000L;

    private static RtcpPacket.TransportCc parse(byte[] b) throws Exception {
        List<RtcpPacket> list = RtcpParser.parse(b, 0, b.length);
        assertThat(list).hasSize(1);
        return (RtcpPacket.TransportCc) list.get(0);
    }

    @Test
    void exactBytesForTwoPacketsAndALoss() {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        f.onPacket(10, 65 * MS);   // tick 260: reference time 1 (256 ticks), delta 4
        f.onPacket(12, 66 * MS);   // tick 264: delta 4
        List<byte[]> out = f.build();
        assertThat(out).hasSize(1);
        // 1-bit vector chunk 1 0 1 -> 0xA800
        assertThat(HexFormat.of().formatHex(out.get(0))).isEqualTo("8fcd0005" + "00000001" + "00000002" + "000a0003" + "00000100" + "a800" + "0404");
        assertThat(f.build()).isEmpty();
    }

    @Test
    void roundTripsArrivalTimesAcrossWrapWithReorderingAndLoss() throws Exception {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        int[] seqs = {65530, 65531, 65533, 65532, 65535, 0, 1, 3, 2, 4}; // 65534 lost, reordering
        long[] at = new long[seqs.length];
        long t = 5_000 * MS + 123_456;
        for (int i = 0; i < seqs.length; i++) {
            t += (i % 3) * MS + 300_000;
            at[i] = t;
            f.onPacket(seqs[i], t);
        }
        List<byte[]> out = f.build();
        assertThat(out).hasSize(1);
        RtcpPacket.TransportCc p = parse(out.get(0));
        assertThat(p.baseSequence()).isEqualTo(65530);
        assertThat(p.packetStatusCount()).isEqualTo(11);
        long[] ticks = p.arrivalTicks();
        for (int i = 0; i < 11; i++) {
            int seq = p.sequenceNumber(i);
            int idx = indexOf(seqs, seq);
            if (idx < 0) {
                assertThat(p.received(i)).as("seq %d", seq).isFalse();
                continue;
            }
            assertThat(p.received(i)).isTrue();
            // arrival relative to the first packet, in 250 us ticks
            assertThat(ticks[i] - ticks[0]).as("seq %d", seq).isEqualTo(at[idx] / 250_000 - at[0] / 250_000);
        }
        assertThat(p.referenceTime()).isEqualTo((int) (at[0] / 250_000 / 256));
        assertThat(p.deltaTicks()[3]).isNegative(); // 65533 arrived before 65532: a negative (large) delta
        assertThat(p.symbols()[3]).isEqualTo((byte) RtcpPacket.TransportCc.LARGE_DELTA);
    }

    @Test
    void feedbackPacketCountIncrementsAndLatePacketsAreIgnored() throws Exception {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        f.onPacket(100, 0);
        f.onPacket(102, MS);
        RtcpPacket.TransportCc first = parse(f.build().get(0));
        assertThat(first.feedbackPacketCount()).isEqualTo(0);
        assertThat(first.received(1)).isFalse();
        f.onPacket(101, 2 * MS); // already reported as lost
        f.onPacket(103, 3 * MS);
        RtcpPacket.TransportCc second = parse(f.build().get(0));
        assertThat(second.feedbackPacketCount()).isEqualTo(1);
        assertThat(second.baseSequence()).isEqualTo(103);
        assertThat(second.packetStatusCount()).isEqualTo(1);
        assertThat(f.late()).isEqualTo(1);
    }

    @Test
    void longPauseSplitsIntoTwoPackets() throws Exception {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        f.onPacket(1, 0);
        f.onPacket(2, 10_000 * MS); // 10 s: 40000 ticks, beyond a 16-bit delta
        List<byte[]> out = f.build();
        assertThat(out).hasSize(2);
        RtcpPacket.TransportCc a = parse(out.get(0));
        RtcpPacket.TransportCc b = parse(out.get(1));
        assertThat(a.baseSequence()).isEqualTo(1);
        assertThat(a.packetStatusCount()).isEqualTo(1);
        assertThat(b.baseSequence()).isEqualTo(2);
        assertThat(b.feedbackPacketCount()).isEqualTo(1);
        assertThat(b.arrivalTicks()[0] - a.arrivalTicks()[0]).isEqualTo(40_000);
    }

    @Test
    void pollRespectsTheInterval() {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        assertThat(f.poll(0)).isEmpty(); // nothing received
        f.onPacket(1, 0);
        assertThat(f.poll(MS)).hasSize(1);
        f.onPacket(2, 2 * MS);
        assertThat(f.poll(50 * MS)).isEmpty();
        assertThat(f.poll(101 * MS)).hasSize(1);
    }

    @Test
    void manyPacketsSplitAtTheLimitAndCoverEverySequenceNumber() throws Exception {
        TwccFeedback f = new TwccFeedback(1, 2, 100 * MS);
        for (int i = 0; i < 5000; i++) {
            if (i % 7 != 3) {
                f.onPacket((60000 + i) & 0xFFFF, i * 100_000L);
            }
        }
        int expectedBase = 60000;
        int total = 0;
        for (byte[] b : f.build()) {
            RtcpPacket.TransportCc p = parse(b);
            assertThat(p.baseSequence()).isEqualTo(expectedBase);
            for (int i = 0; i < p.packetStatusCount(); i++) {
                int n = (p.sequenceNumber(i) - 60000) & 0xFFFF;
                assertThat(p.received(i)).isEqualTo(n % 7 != 3);
            }
            expectedBase = (expectedBase + p.packetStatusCount()) & 0xFFFF;
            total += p.packetStatusCount();
        }
        assertThat(total).isEqualTo(5000);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
