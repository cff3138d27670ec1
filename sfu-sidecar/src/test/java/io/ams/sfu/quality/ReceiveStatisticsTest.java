package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ReceiveStatisticsTest {
    static final long MS = 1_000_000L;

    /** Video at 90 kHz, one packet per 33 ms frame (2970 ticks), arriving exactly on time. */
    private static void frames(ReceiveStatistics s, int firstSeq, int count, long startNanos) {
        for (int i = 0; i < count; i++) {
            s.onPacket(firstSeq + i, 1000 + 2970L * i, startNanos + 33 * MS * i, 1000);
        }
    }

    @Test
    void inOrderPacketsLoseNothingAndHaveNoJitter() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        frames(s, 100, 50, 0);
        assertThat(s.expected()).isEqualTo(50);
        assertThat(s.received()).isEqualTo(50);
        assertThat(s.lost()).isZero();
        assertThat(s.jitterMs()).isCloseTo(0, within(0.01));
        assertThat(s.extendedHighest()).isEqualTo(149);
    }

    @Test
    void gapsAreLossAcrossTheWraparound() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        for (int seq = 65530; seq < 65536 + 10; seq++) {
            if (seq % 4 != 0) { // 65532, 65536 (= 0), 4, 8 never arrive
                s.onPacket(seq & 0xFFFF, seq * 3000L, seq * 33 * MS, 500);
            }
        }
        assertThat(s.expected()).isEqualTo(16);
        assertThat(s.lost()).isEqualTo(4);
        assertThat(s.extendedHighest()).as("one cycle in the upper bits").isEqualTo(0x10000L + 9);
    }

    @Test
    void reorderedAndDuplicatedPacketsAreNotLoss() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        int[] order = {1, 2, 4, 3, 5, 7, 6, 6, 8, 9, 9};
        for (int seq : order) {
            s.onPacket(seq, seq * 3000L, seq * 33 * MS, 500);
        }
        assertThat(s.expected()).isEqualTo(9);
        assertThat(s.received()).isEqualTo(9);
        assertThat(s.lost()).isZero();
        assertThat(s.duplicates()).isEqualTo(2);
        // reordering across the wrap
        ReceiveStatistics w = new ReceiveStatistics(90000);
        int[] wrap = {65534, 0, 65535, 1};
        for (int seq : wrap) {
            w.onPacket(seq, 0, 0, 100);
        }
        assertThat(w.expected()).isEqualTo(4);
        assertThat(w.lost()).isZero();
    }

    @Test
    void aLateRetransmissionFillsItsPlace() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        frames(s, 10, 5, 0);        // 10..14
        s.onPacket(16, 1000 + 2970L * 6, 6 * 33 * MS, 1000); // 15 missing
        assertThat(s.lost()).isEqualTo(1);
        s.onPacket(15, 1000 + 2970L * 5, 6 * 33 * MS + 5 * MS, 1000); // retransmitted late, old timestamp
        assertThat(s.lost()).isZero();
        assertThat(s.jitterMs()).as("retransmissions do not count as jitter").isCloseTo(0, within(0.01));
    }

    @Test
    void jitterFollowsRfc3550() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        // frames every 33 ms by timestamp, arriving alternately 10 ms early and late: |D| = 20 ms each time
        for (int i = 0; i < 200; i++) {
            long arrival = 33 * MS * i + (i % 2 == 0 ? 0 : 20 * MS);
            s.onPacket(i, 2970L * i, arrival, 1000);
        }
        assertThat(s.jitterMs()).as("J converges to |D| = 20 ms").isCloseTo(20, within(0.5));
        // packets of one frame (same timestamp) arriving in a burst are not jitter
        ReceiveStatistics burst = new ReceiveStatistics(90000);
        int seq = 0;
        for (int f = 0; f < 50; f++) {
            for (int k = 0; k < 5; k++) {
                burst.onPacket(seq++, 2970L * f, 33 * MS * f + k * 2 * MS, 1000);
            }
        }
        assertThat(burst.jitterMs()).isCloseTo(0, within(0.01));
    }

    @Test
    void timestampWraparoundIsNotJitter() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        long ts = 0xFFFFFFFFL - 2970L * 5;
        for (int i = 0; i < 20; i++) {
            s.onPacket(i, (ts + 2970L * i) & 0xFFFFFFFFL, 33 * MS * i, 1000);
        }
        assertThat(s.jitterMs()).isCloseTo(0, within(0.01));
    }

    @Test
    void aStrayNumberIsIgnoredAndARestartIsFollowed() {
        ReceiveStatistics s = new ReceiveStatistics(90000);
        frames(s, 100, 10, 0);
        s.onPacket(40000, 0, 0, 100);   // garbage far away: ignored
        frames(s, 110, 10, 330 * MS);
        assertThat(s.expected()).isEqualTo(20);
        assertThat(s.lost()).isZero();
        s.onPacket(50000, 0, 0, 100);   // the sender restarts its numbering: two in a row
        s.onPacket(50001, 0, 0, 100);
        s.onPacket(50003, 0, 0, 100);
        assertThat(s.expected()).as("the stray that started the new numbering is not counted").isEqualTo(23);
        assertThat(s.lost()).isEqualTo(1);
    }

    @Test
    void windowsCountSinceThePreviousOne() {
        ReceiveStatistics s = new ReceiveStatistics(48000);
        for (int i = 0; i < 50; i++) {
            if (i % 10 != 3) {
                s.onPacket(i, 960L * i, 20 * MS * i, 100);
            }
        }
        ReceiveStatistics.Window a = s.takeWindow();
        assertThat(a.expected()).isEqualTo(50);
        assertThat(a.lost()).isEqualTo(5);
        assertThat(a.payloadBytes()).isEqualTo(4500);
        for (int i = 50; i < 60; i++) {
            s.onPacket(i, 960L * i, 20 * MS * i, 100);
        }
        ReceiveStatistics.Window b = s.takeWindow();
        assertThat(b.expected()).isEqualTo(10);
        assertThat(b.lost()).isZero();
        assertThat(b.packets()).isEqualTo(10);
        assertThat(s.takeWindow().expected()).isZero();
    }
}
