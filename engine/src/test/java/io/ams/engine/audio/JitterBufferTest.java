package io.ams.engine.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.audio.JitterBuffer.Kind;
import io.ams.engine.audio.JitterBuffer.Playout;
import io.ams.engine.audio.JitterBuffer.Refusal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The jitter buffer against scripted arrivals: order, loss (FEC, PLC), DTX, late packets, jumps, wrap-around. */
class JitterBufferTest {
    static final long MS = 1_000_000L;
    /** A 20 ms CELT fullband mono packet: TOC config 31, code 0. */
    static byte[] packet(int marker) {
        return new byte[] {(byte) (31 << 3), (byte) marker, 1, 2};
    }

    /**
     * Real time in 1 ms steps: packet i (timestamp base + 960 i) arrives at 20 i ms + arrivalShift ms
     * unless skipped; a frame is pulled every 20 ms. Returns the first {@code frames} playouts.
     */
    static List<Playout> run(JitterBuffer b, long base, int packets, java.util.Set<Integer> skip, int frames) {
        List<Playout> out = new ArrayList<>();
        int next = 0;
        for (long ms = 0; out.size() < frames; ms++) {
            while (next < packets && next * 20L <= ms) {
                if (!skip.contains(next)) {
                    assertThat(b.push(base + 960L * next, packet(next), 30, ms * MS)).isNull();
                }
                next++;
            }
            if (ms % 20 == 10) {
                out.add(b.pull(ms * MS));
            }
        }
        return out;
    }

    /** The playouts from the first packet on (the start waits for the target delay). */
    static List<Playout> played(List<Playout> all) {
        int first = 0;
        while (first < all.size() && all.get(first).kind() == Kind.SILENCE) {
            first++;
        }
        return all.subList(first, all.size());
    }

    static List<Playout> pullAll(JitterBuffer b, int n, long fromNanos) {
        List<Playout> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.pull(fromNanos + i * 20 * MS));
        }
        return out;
    }

    static int marker(Playout p) {
        return p.payload()[1];
    }

    @Test
    void waitsForItsTargetDelayThenPlaysInOrder() {
        JitterBuffer b = new JitterBuffer();
        assertThat(b.pull(0).kind()).isEqualTo(Kind.SILENCE);
        b.push(1000, packet(0), 30, 0);
        assertThat(b.pull(MS).kind()).as("one packet is less than the 40 ms target").isEqualTo(Kind.SILENCE);
        b.push(1960, packet(1), 30, 20 * MS);
        b.push(2920, packet(2), 30, 40 * MS);
        List<Playout> out = pullAll(b, 3, 41 * MS);
        assertThat(out).extracting(Playout::kind).containsExactly(Kind.PACKET, Kind.PACKET, Kind.PACKET);
        assertThat(out).extracting(JitterBufferTest::marker).containsExactly(0, 1, 2);
        assertThat(out.get(0).level()).isEqualTo(30);
    }

    @Test
    void reorderedPacketsComeOutInOrder() {
        JitterBuffer b = new JitterBuffer();
        b.push(960 * 1, packet(1), -1, 0);
        b.push(0, packet(0), -1, MS);
        b.push(960 * 3, packet(3), -1, 2 * MS);
        b.push(960 * 2, packet(2), -1, 3 * MS);
        List<Playout> out = pullAll(b, 4, 50 * MS);
        assertThat(out).extracting(JitterBufferTest::marker).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aLostPacketIsRebuiltFromTheNextPacketsFecAndALongerLossIsConcealed() {
        JitterBuffer b = new JitterBuffer();
        List<Playout> out = played(run(b, 5000, 20, java.util.Set.of(5, 10, 11, 12), 30));
        assertThat(out.subList(0, 5)).extracting(JitterBufferTest::marker).containsExactly(0, 1, 2, 3, 4);
        assertThat(out.get(5).kind()).isEqualTo(Kind.FEC);
        assertThat(marker(out.get(5))).as("the FEC comes from the packet after the lost one").isEqualTo(6);
        assertThat(out.get(6).kind()).isEqualTo(Kind.PACKET);
        assertThat(marker(out.get(6))).isEqualTo(6);
        assertThat(out.subList(10, 12)).extracting(Playout::kind).containsExactly(Kind.CONCEAL, Kind.CONCEAL);
        assertThat(out.get(12).kind()).isEqualTo(Kind.FEC);
        assertThat(out.get(13).kind()).isEqualTo(Kind.PACKET);
        JitterBuffer.Stats s = b.stats();
        assertThat(s.framesFec).isEqualTo(2);
        assertThat(s.framesConcealed).as("2 lost, then the frames after the last packet").isGreaterThanOrEqualTo(2);
        assertThat(s.framesPacket).isEqualTo(16);
        assertThat(s.droppedLatency).isZero();
    }

    @Test
    void silenceAfterTheSenderStopsAndPlayResumesWhenItSendsAgain() {
        JitterBuffer b = new JitterBuffer();
        java.util.Set<Integer> pause = new java.util.HashSet<>();
        for (int i = 10; i < 40; i++) {
            pause.add(i); // 600 ms without packets (DTX, mute)
        }
        List<Playout> out = played(run(b, 0, 50, pause, 60));
        assertThat(out.subList(0, 10)).extracting(Playout::kind).containsOnly(Kind.PACKET);
        assertThat(out.subList(10, 10 + JitterBuffer.CONCEAL_FRAMES)).extracting(Playout::kind).containsOnly(Kind.CONCEAL);
        assertThat(out.subList(10 + JitterBuffer.CONCEAL_FRAMES, 39)).extracting(Playout::kind).containsOnly(Kind.SILENCE);
        assertThat(out.stream().filter(p -> p.kind() == Kind.PACKET).map(JitterBufferTest::marker).toList())
                .as("packets after the pause play where the sender's clock stands").containsSequence(9, 40, 41, 42);
        assertThat(b.stats().late).isZero();
    }

    @Test
    void aLatePacketIsRefusedCountedAndRaisesTheDelay() {
        JitterBuffer b = new JitterBuffer();
        run(b, 0, 8, java.util.Set.of(3), 10);
        int before = b.stats().targetDelayMs;
        assertThat(b.push(960 * 3, packet(3), -1, 200 * MS)).isEqualTo(Refusal.LATE);
        b.pull(210 * MS);
        assertThat(b.stats().late).isEqualTo(1);
        assertThat(b.stats().targetDelayMs).isGreaterThanOrEqualTo(before + 20);
        // and relaxes again after a while of packets on time
        // frame f is pulled at 20 f + 10 ms from here on; its packet arrives 40 ms before that
        for (int f = 11; f < 11 + 50 * (JitterBuffer.RELAX_SECONDS + 3); f++) {
            assertThat(b.push(960L * f, packet(f % 100), -1, (f * 20L - 30) * MS)).isNull();
            b.pull((f * 20L + 10) * MS);
        }
        assertThat(b.stats().targetDelayMs).isEqualTo(before);
    }

    @Test
    void duplicatesGarbageAndAFullBufferAreRefused() {
        JitterBuffer b = new JitterBuffer();
        assertThat(b.push(0, packet(0), -1, 0)).isNull();
        assertThat(b.push(0, packet(0), -1, 0)).isEqualTo(Refusal.DUPLICATE);
        assertThat(b.push(960, new byte[0], -1, 0)).isEqualTo(Refusal.MALFORMED);
        assertThat(b.push(960, new byte[] {(byte) 0xFB}, -1, 0)).as("code 3 without its frame count").isEqualTo(Refusal.MALFORMED);
        for (int i = 1; i < JitterBuffer.CAPACITY; i++) {
            assertThat(b.push(960L * i, packet(i), -1, 0)).isNull();
        }
        assertThat(b.push(960L * JitterBuffer.CAPACITY, packet(0), -1, 0)).isEqualTo(Refusal.FULL);
        JitterBuffer.Stats s = b.stats();
        assertThat(s.duplicates).isEqualTo(1);
        assertThat(s.malformed).isEqualTo(2);
        assertThat(s.full).isEqualTo(1);
    }

    @Test
    void aBufferFullerThanItsTargetDropsFramesUntilItIsBack() {
        JitterBuffer b = new JitterBuffer();
        for (int i = 0; i < 30; i++) {
            b.push(960L * i, packet(i), -1, 0); // a 600 ms burst, all at once
        }
        List<Playout> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add(b.pull(i * 20 * MS));
        }
        long dropped = b.stats().droppedLatency;
        // one frame dropped per pull until 30 - 2k frames fit the 40 ms target plus 80 ms: k = 12
        assertThat(dropped).as("down to the target plus the allowance, one frame per pull").isBetween(10L, 13L);
        assertThat(out.stream().filter(p -> p.kind() == Kind.PACKET).count()).isEqualTo(30 - dropped);
    }

    @Test
    void timestampsWrapAroundAndAJumpStartsAgain() {
        JitterBuffer b = new JitterBuffer();
        long base = 0xffffffffL - 960L * 2;
        List<Playout> out = played(run(b, base, 6, java.util.Set.of(), 12));
        assertThat(out.stream().filter(p -> p.kind() == Kind.PACKET).map(JitterBufferTest::marker).toList())
                .containsExactly(0, 1, 2, 3, 4, 5);
        // a restarted sender: its timestamps are far from ours
        for (int i = 0; i < 4; i++) {
            b.push(123_456_789L + 960L * i, packet(10 + i), -1, (300 + i * 20) * MS);
        }
        List<Playout> after = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            after.add(b.pull((400 + i * 20) * MS));
        }
        assertThat(after.stream().filter(p -> p.kind() == Kind.PACKET).map(JitterBufferTest::marker).toList())
                .containsExactly(10, 11, 12, 13);
        assertThat(b.stats().resyncs).isEqualTo(1);
    }

    @Test
    void theTargetFollowsJitter() {
        JitterBuffer b = new JitterBuffer();
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            long arrival = i * 20 * MS + (long) (r.nextDouble() * 60) * MS; // up to 60 ms late
            b.push(960L * i, packet(i % 100), -1, arrival);
            b.pull(i * 20 * MS);
        }
        JitterBuffer.Stats s = b.stats();
        assertThat(s.jitterMs).isGreaterThan(10);
        assertThat(s.targetDelayMs).isGreaterThan(JitterBuffer.MIN_DELAY_MS).isLessThanOrEqualTo(JitterBuffer.MAX_DELAY_MS);
    }

    @Test
    void tocDurations() {
        assertThat(OpusPackets.samples(new byte[] {(byte) (31 << 3)})).isEqualTo(960);     // CELT 20 ms
        assertThat(OpusPackets.samples(new byte[] {(byte) (1 << 3)})).isEqualTo(960);      // SILK NB 20 ms
        assertThat(OpusPackets.samples(new byte[] {(byte) (3 << 3)})).isEqualTo(2880);     // SILK 60 ms
        assertThat(OpusPackets.samples(new byte[] {(byte) ((15 << 3) | 1)})).isEqualTo(1920); // hybrid 2 x 20 ms
        assertThat(OpusPackets.samples(new byte[] {(byte) ((31 << 3) | 3), 3})).isEqualTo(2880);
        assertThat(OpusPackets.samples(new byte[] {(byte) ((31 << 3) | 3), 7})).as("140 ms > 120").isEqualTo(-1);
    }
}
