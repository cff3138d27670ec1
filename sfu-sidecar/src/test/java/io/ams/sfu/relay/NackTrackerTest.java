package io.ams.sfu.relay;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NackTrackerTest {
    private static final long MS = 1_000_000L;

    @Test
    void gapsAreNackedAsOnePidBlpPair() throws Exception {
        NackTracker t = NackTracker.standard();
        t.onPacket(99, 0);
        t.onPacket(102, 0);   // 100, 101 lost
        for (int s = 103; s <= 115; s++) {
            t.onPacket(s, 0);
        }
        t.onPacket(117, 0);   // 116 lost
        byte[] nack = t.buildNack(1, 2, 0);
        assertThat(HexFormat.of().formatHex(nack)).isEqualTo("81cd0003" + "00000001" + "00000002" + "0064" + "8001");
        List<RtcpPacket> parsed = RtcpParser.parse(nack, 0, nack.length);
        assertThat(parsed).containsExactly(new RtcpPacket.Nack(1, 2, List.of(100, 101, 116)));
    }

    @Test
    void retriesAreBoundedAndArrivalsStopThem() {
        NackTracker t = new NackTracker(16, 3, 100 * MS);
        t.onPacket(65534, 0);
        t.onPacket(1, 0);      // 65535 and 0 lost across the wrap
        assertThat(t.due(0)).containsExactly(65535, 0);
        assertThat(t.due(50 * MS)).isEmpty();
        assertThat(t.due(100 * MS)).containsExactly(65535, 0);
        t.onPacket(0, 120 * MS); // retransmission arrived
        assertThat(t.recovered()).isEqualTo(1);
        assertThat(t.due(200 * MS)).containsExactly(65535);
        assertThat(t.due(300 * MS)).isEmpty(); // 3 tries used
        assertThat(t.missingCount()).isZero();
        assertThat(t.givenUp()).isEqualTo(1);
        assertThat(t.buildNack(1, 2, 400 * MS)).isNull();
    }

    @Test
    void hugeGapAsksForAKeyframeInstead() {
        NackTracker t = new NackTracker(16, 3, 100 * MS);
        t.onPacket(10, 0);
        t.onPacket(12, 0);
        t.onPacket(100, 0);
        assertThat(t.missingCount()).isZero();
        assertThat(t.takeKeyframeRequest()).isTrue();
        assertThat(t.takeKeyframeRequest()).isFalse();
        t.onPacket(101, 0);
        assertThat(t.due(0)).isEmpty();
    }

    @Test
    void fullListDropsTheOldest() {
        NackTracker t = new NackTracker(4, 3, 100 * MS);
        t.onPacket(0, 0);
        t.onPacket(4, 0);      // 1, 2, 3
        t.onPacket(7, 0);      // 5, 6 -> 1 falls out
        assertThat(t.due(0)).containsExactly(2, 3, 5, 6);
        assertThat(t.givenUp()).isEqualTo(1);
    }

    @Test
    void theTimeFromANackToItsRetransmissionIsTheRtt() {
        NackTracker t = new NackTracker(64, 3, 100 * MS);
        assertThat(t.rttMillis()).isEqualTo(-1);
        t.onPacket(10, 0);
        t.onPacket(12, 5 * MS);             // 11 lost
        assertThat(t.due(5 * MS)).containsExactly(11);
        t.onPacket(11, 85 * MS);            // retransmitted 80 ms after the NACK
        assertThat(t.rttMillis()).isEqualTo(80);
        t.onPacket(14, 200 * MS);           // 13 lost
        t.due(200 * MS);
        t.onPacket(13, 360 * MS);           // 160 ms: smoothed 80 + (160 - 80) / 8
        assertThat(t.rttMillis()).isEqualTo(90);
        assertThat(t.rttSamples()).isEqualTo(2);
    }

    @Test
    void aPacketArrivingBeforeItsNackIsNoSampleAndARepairAfterTheLastTryStillIs() {
        NackTracker t = new NackTracker(64, 3, 100 * MS);
        t.onPacket(10, 0);
        t.onPacket(12, 0);
        t.onPacket(11, 1 * MS);             // reordered, never NACKed
        assertThat(t.rttSamples()).isZero();
        t.onPacket(14, 10 * MS);            // 13 lost: NACKed at 10, 110, 210 ms, then given up
        t.due(10 * MS);
        t.due(110 * MS);
        t.due(210 * MS);
        assertThat(t.missingCount()).isZero();
        t.onPacket(13, 360 * MS);           // an uplink with an RTT of 350 ms answers the first NACK
        assertThat(t.rttMillis()).isEqualTo(350);
    }
}
