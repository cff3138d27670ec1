package io.ams.rtp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReorderBufferTest {
    private static final long MS = 1_000_000L;

    private final List<RtpPacket> out = new ArrayList<>();

    private static RtpPacket packet(int seq, long ssrc, long receivedNanos) {
        byte[] b = new byte[13];
        RtpHeaderWriter.write(b, 0, false, 96, seq, seq * 3000L, ssrc);
        b[12] = (byte) seq;
        try {
            return RtpPacket.parse(b, 0, b.length, receivedNanos);
        } catch (RtpFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static RtpPacket packet(int seq, long receivedNanos) {
        return packet(seq, 1, receivedNanos);
    }

    private List<Integer> seqs() {
        List<Integer> s = new ArrayList<>();
        for (RtpPacket p : out) {
            s.add(p.sequenceNumber());
        }
        return s;
    }

    /** Pushes the first packet and lets its start-up wait expire, so the stream flows. */
    private void startAt(ReorderBuffer rb, int seq) {
        rb.push(packet(seq, 0), out::add);
        rb.flushExpired(50 * MS, out::add);
        assertThat(seqs()).containsExactly(seq);
    }

    @Test
    void inOrderPacketsPassStraightThrough() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 100);
        for (int s = 101; s < 200; s++) {
            rb.push(packet(s, 60 * MS), out::add);
            assertThat(out.get(out.size() - 1).sequenceNumber()).as("handed out at once").isEqualTo(s);
        }
        assertThat(out).hasSize(100);
        assertThat(rb.lost() + rb.duplicates() + rb.late() + rb.resets()).isZero();
        assertThat(rb.heldCount()).isZero();
    }

    @Test
    void reorderedPacketsWithinTheWindowComeOutInOrder() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 10);
        int[] arrival = {12, 14, 11, 13, 17, 15, 16, 18};
        for (int s : arrival) {
            rb.push(packet(s, 60 * MS), out::add);
        }
        assertThat(seqs()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18);
        assertThat(rb.lost()).isZero();
    }

    @Test
    void theFirstPacketsWaitSoThatAnEarlierOneArrivingSecondStillGoesFirst() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        rb.push(packet(501, 0), out::add);
        rb.push(packet(500, MS), out::add);
        rb.push(packet(502, 2 * MS), out::add);
        assertThat(out).as("held during the start-up wait").isEmpty();
        rb.flushExpired(49 * MS, out::add);
        assertThat(out).isEmpty();
        rb.flushExpired(50 * MS, out::add);
        assertThat(seqs()).containsExactly(500, 501, 502);
        rb.push(packet(503, 51 * MS), out::add);
        assertThat(seqs()).containsExactly(500, 501, 502, 503);
        assertThat(rb.late()).isZero();
    }

    @Test
    void duplicatesAndTooOldPacketsAreDroppedAndCounted() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 1000);
        rb.push(packet(1001, 60 * MS), out::add);
        rb.push(packet(1001, 60 * MS), out::add); // handed out already
        rb.push(packet(1003, 60 * MS), out::add);
        rb.push(packet(1003, 60 * MS), out::add); // held already
        rb.push(packet(990, 60 * MS), out::add);  // before the start, never seen
        rb.push(packet(1002, 60 * MS), out::add);
        assertThat(seqs()).containsExactly(1000, 1001, 1002, 1003);
        assertThat(rb.duplicates()).isEqualTo(2);
        assertThat(rb.late()).isEqualTo(1);
        assertThat(rb.lost()).isZero();
    }

    @Test
    void aGapIsGivenUpAfterTheWaitTimeAndCountedAsLost() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 1);
        rb.push(packet(2, 100 * MS), out::add);
        rb.push(packet(5, 101 * MS), out::add); // 3 and 4 missing
        rb.push(packet(6, 110 * MS), out::add);
        assertThat(seqs()).containsExactly(1, 2);
        rb.flushExpired(150 * MS, out::add);
        assertThat(seqs()).as("not yet: 49 ms").containsExactly(1, 2);
        rb.flushExpired(151 * MS, out::add);
        assertThat(seqs()).containsExactly(1, 2, 5, 6);
        assertThat(rb.lost()).isEqualTo(2);
        // a missing packet that shows up after it was given up on is late
        rb.push(packet(3, 152 * MS), out::add);
        assertThat(rb.late()).isEqualTo(1);
        assertThat(seqs()).containsExactly(1, 2, 5, 6);
        // an expired gap is also given up on by the next push
        rb.push(packet(8, 200 * MS), out::add);
        rb.push(packet(9, 260 * MS), out::add);
        assertThat(seqs()).containsExactly(1, 2, 5, 6, 8, 9);
        assertThat(rb.lost()).isEqualTo(3);
    }

    @Test
    void aGapIsGivenUpWhenTheWindowIsFull() {
        ReorderBuffer rb = new ReorderBuffer(8, 50 * MS);
        startAt(rb, 0);
        // packet 1 is lost; 2..8 fit the window of 8 (1..8), 9 does not
        for (int s = 2; s <= 8; s++) {
            rb.push(packet(s, 60 * MS), out::add);
        }
        assertThat(seqs()).containsExactly(0);
        rb.push(packet(9, 60 * MS), out::add);
        assertThat(seqs()).containsExactly(0, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(rb.lost()).isEqualTo(1);
        // a jump well past the window with nothing held: everything between is lost
        rb.push(packet(100, 61 * MS), out::add);
        assertThat(seqs()).endsWith(9, 100);
        assertThat(rb.lost()).isEqualTo(1 + 90);
    }

    @Test
    void sequenceNumbersWrapFrom65535ToZero() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 65533);
        int[] arrival = {65534, 0, 65535, 2, 1, 3};
        for (int s : arrival) {
            rb.push(packet(s, 60 * MS), out::add);
        }
        assertThat(seqs()).containsExactly(65533, 65534, 65535, 0, 1, 2, 3);
        assertThat(rb.lost() + rb.late() + rb.duplicates() + rb.resets()).isZero();
    }

    @Test
    void aHugeJumpOrANewSsrcRestartsTheStream() {
        ReorderBuffer rb = new ReorderBuffer(64, 50 * MS);
        startAt(rb, 100);
        rb.push(packet(102, 60 * MS), out::add); // held, 101 missing
        rb.push(packet(20_000, 61 * MS), out::add); // sender restarted far ahead
        assertThat(rb.resets()).isEqualTo(1);
        assertThat(seqs()).as("held packet handed out before the restart").containsExactly(100, 102);
        rb.flushExpired(111 * MS, out::add);
        rb.push(packet(20_001, 112 * MS), out::add);
        assertThat(seqs()).containsExactly(100, 102, 20_000, 20_001);

        rb.push(packet(5, 113 * MS), out::add); // far behind: restarted again
        assertThat(rb.resets()).isEqualTo(2);
        rb.flushExpired(163 * MS, out::add);
        assertThat(seqs()).endsWith(20_001, 5);

        rb.push(packet(6, 2, 164 * MS), out::add); // same numbers, new SSRC
        assertThat(rb.resets()).isEqualTo(3);
        rb.flushExpired(214 * MS, out::add);
        assertThat(out.get(out.size() - 1).ssrc()).isEqualTo(2);
        assertThat(rb.late()).isZero();
    }

    @Test
    void neverHandsOutOfOrderUnderRandomArrival() {
        java.util.Random random = new java.util.Random(99);
        ReorderBuffer rb = new ReorderBuffer(32, 50 * MS);
        long now = 0;
        List<Integer> arrivals = new ArrayList<>();
        for (int s = 0; s < 20_000; s++) {
            if (random.nextInt(50) != 0) { // 2% loss
                arrivals.add((60_000 + s) & 0xFFFF);
            }
        }
        for (int i = 0; i < arrivals.size() - 1; i++) {
            if (random.nextInt(5) == 0) { // swap neighbours
                int a = arrivals.get(i);
                arrivals.set(i, arrivals.get(i + 1));
                arrivals.set(i + 1, a);
            }
            if (random.nextInt(100) == 0) { // duplicate
                arrivals.add(i, arrivals.get(i));
                i++;
            }
        }
        for (int s : arrivals) {
            now += MS;
            rb.push(packet(s, now), out::add);
        }
        rb.flushExpired(now + 100 * MS, out::add);
        long previous = -1;
        for (RtpPacket p : out) {
            long ext = (p.sequenceNumber() - 60_000) & 0xFFFF;
            assertThat(ext).isGreaterThan(previous);
            previous = ext;
        }
        assertThat(rb.heldCount()).isZero();
        long distinct = arrivals.stream().distinct().count();
        assertThat(out.size() + rb.late()).isEqualTo(distinct);
        assertThat(out.size() + rb.lost()).as("every number handed out or counted lost").isEqualTo(previous + 1 - ((out.get(0).sequenceNumber() - 60_000) & 0xFFFF));
        assertThat(rb.resets()).isZero();
    }

    /**
     * A stream of one packet every 10 ms loses packet 200; the gap is seen (and NACKed) when 201
     * arrives at t=100 ms; the retransmission of 200 arrives {@code repairAfterMs} later. The
     * ingress's 20 ms flush timer runs meanwhile.
     */
    private ReorderBuffer repairScenario(long waitNanos, long repairAfterMs) {
        ReorderBuffer rb = new ReorderBuffer(512, 0);
        rb.push(packet(190, 0), out::add);  // a zero wait hands out the first packet at once
        rb.setMaxWaitNanos(waitNanos);
        for (int s = 191; s < 200; s++) {
            rb.push(packet(s, (s - 190) * 10 * MS), out::add);
        }
        long repairAt = 100 + repairAfterMs;
        for (long t = 100, s = 201; t <= 400; t += 10, s++) {
            rb.push(packet((int) s, t * MS), out::add);
            if (t % 20 == 0) {
                rb.flushExpired(t * MS, out::add);
            }
            if (t + 10 > repairAt && t <= repairAt) {
                rb.push(packet(200, repairAt * MS), out::add);
            }
        }
        return rb;
    }

    @Test
    void aRepairArrivingAfterOneAndAQuarterRttLandsInOrderWithTheRttBasedWait() {
        assertThat(RepairWait.waitMillis(120)).isEqualTo(200);
        ReorderBuffer rb = repairScenario(RepairWait.waitNanos(120), 150);
        List<Integer> s = seqs();
        assertThat(s.subList(0, 12)).containsExactly(190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201);
        assertThat(rb.lost()).isZero();
        assertThat(rb.late()).isZero();
        assertThat(rb.reordered()).isEqualTo(1);
        for (int i = 1; i < s.size(); i++) {
            assertThat(s.get(i)).isEqualTo(s.get(i - 1) + 1);
        }
    }

    @Test
    void theSameRepairIsLostWithTheDefaultWait() {
        ReorderBuffer rb = repairScenario(RepairWait.waitNanos(0), 150);
        assertThat(seqs()).doesNotContain(200);
        assertThat(rb.lost()).isEqualTo(1);
        assertThat(rb.late()).isEqualTo(1);
    }

    @Test
    void theWaitCanChangeWhilePacketsAreHeld() {
        ReorderBuffer rb = new ReorderBuffer(512, RepairWait.waitNanos(0));
        startAt(rb, 10);
        rb.push(packet(11, 60 * MS), out::add);
        rb.push(packet(13, 100 * MS), out::add);          // 12 missing, 13 held
        rb.setMaxWaitNanos(RepairWait.waitNanos(200));   // 320 ms
        rb.flushExpired(160 * MS, out::add);
        assertThat(seqs()).as("held past the old 40 ms wait").containsExactly(10, 11);
        rb.push(packet(12, 300 * MS), out::add);
        assertThat(seqs()).containsExactly(10, 11, 12, 13);
        rb.setMaxWaitNanos(RepairWait.waitNanos(0));
        rb.push(packet(15, 310 * MS), out::add);
        rb.flushExpired(350 * MS, out::add);
        assertThat(seqs()).containsExactly(10, 11, 12, 13, 15);
        assertThat(rb.lost()).isEqualTo(1);
    }

    @Test
    void theWaitFollowsTheRttWithinItsBounds() {
        assertThat(RepairWait.waitMillis(0)).isEqualTo(RepairWait.MIN_WAIT_MILLIS);
        assertThat(RepairWait.waitMillis(10)).isEqualTo(RepairWait.MIN_WAIT_MILLIS);
        assertThat(RepairWait.waitMillis(60)).isEqualTo(110);
        assertThat(RepairWait.waitMillis(1000)).isEqualTo(RepairWait.MAX_WAIT_MILLIS);
        assertThat(RepairWait.waitMillis(-5)).isEqualTo(RepairWait.MIN_WAIT_MILLIS);
        assertThat(RepairWait.clampRtt(-5)).isZero();
        assertThat(RepairWait.clampRtt(3_600_000L)).isEqualTo(RepairWait.MAX_RTT_MILLIS);
    }
}
