package io.ams.rtp.vp8;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.testing.Vp8LayeredPackets;
import io.ams.rtp.testing.Vp8LayeredPackets.Layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

/**
 * Decoding across VP8 losses: which frames after a loss the depacketizer still hands out (their
 * references arrived), which it drops, when it says only a keyframe helps, and that an incomplete
 * frame never comes out. Packets are fed in order with the lost ones left out, as the reorder
 * buffer hands them on once repair has failed.
 */
class Vp8LossTest {
    private static final long MS = 1_000_000L;

    /** A fake VP8 frame that passes the header checks: frame number {@code n} in its bytes. */
    static byte[] vp8(int n, boolean key, int size) {
        byte[] b = new byte[size];
        int tag = (1 << 5) | 0x10 | (key ? 0 : 1); // first partition 1 byte, show_frame, P
        b[0] = (byte) tag;
        b[1] = (byte) (tag >> 8);
        b[2] = (byte) (tag >> 16);
        if (key) {
            b[3] = (byte) 0x9d;
            b[4] = 0x01;
            b[5] = 0x2a;
            b[6] = 64;
            b[8] = 48;
        }
        for (int i = key ? 10 : 3; i < size; i++) {
            b[i] = (byte) (n * 31 + i);
        }
        return b;
    }

    private record Run(List<Integer> decoded, Vp8Depacketizer depacketizer, boolean keyframeNeeded) {
    }

    /**
     * Sends {@code frames} frames of 2 packets each (frame 0 a key frame), the layers from
     * {@code layers}, leaving out the packets for which {@code lost} is true (by packet index).
     * Returns the frame numbers handed out; each handed-out frame must be byte-identical to the one sent.
     */
    private static Run run(int frames, IntFunction<Layer> layers, Set<Integer> lostPackets, int keyAt) {
        Vp8LayeredPackets tx = new Vp8LayeredPackets(96, 1234, 65530, 32760, 600);
        Vp8Depacketizer d = new Vp8Depacketizer();
        List<Integer> decoded = new ArrayList<>();
        int packetIndex = 0;
        for (int f = 0; f < frames; f++) {
            boolean key = f == 0 || f == keyAt;
            byte[] frame = vp8(f, key, 1000);
            Layer layer = key && layers.apply(f).tid() >= 0 ? new Layer(0, false, false) : layers.apply(f);
            for (byte[] datagram : tx.frame(frame, 3000L * f, layer)) {
                if (lostPackets.contains(packetIndex++)) {
                    continue;
                }
                EncodedFrame out = d.push(parse(datagram, f * 33 * MS));
                if (out != null) {
                    int n = (int) (out.rtpTimestamp() / 3000);
                    assertThat(out.data()).as("frame %d handed out whole", n).isEqualTo(vp8(n, out.keyframe(), 1000));
                    decoded.add(n);
                }
            }
        }
        return new Run(decoded, d, d.needsKeyframe());
    }

    static RtpPacket parse(byte[] d, long nanos) {
        try {
            return RtpPacket.parse(d, 0, d.length, nanos);
        } catch (RtpFormatException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    private static List<Integer> without(List<Integer> l, Integer... gone) {
        List<Integer> c = new ArrayList<>(l);
        c.removeAll(Arrays.asList(gone));
        return c;
    }

    @Test
    void noLossEveryFrameComesOut() {
        Run r = run(20, Vp8LayeredPackets::threeLayerPattern, Set.of(), -1);
        assertThat(r.decoded()).isEqualTo(range(0, 20));
        assertThat(r.keyframeNeeded()).isFalse();
        assertThat(r.depacketizer().framesDecodableAcrossLoss()).isZero();
    }

    @Test
    void aWhollyLostTl2FrameCostsOnlyTheFramesThatMightReferenceIt() {
        // frame 5 (TL2, packets 10 and 11) lost without trace: its layer is unknown, so the upper
        // layers are suspect until they sync; the base layer is intact (TL0PICIDX shows it)
        Run r = run(20, Vp8LayeredPackets::threeLayerPattern, Set.of(10, 11), -1);
        // 6: TL1 with Y=1 decodes and heals TL1; 7: TL2 without Y may reference a lost TL2 - dropped;
        // 8: TL0 decodes; 9: TL2 sync heals TL2; all after decode
        assertThat(r.decoded()).isEqualTo(without(range(0, 20), 5, 7));
        assertThat(r.keyframeNeeded()).as("no keyframe needed").isFalse();
        assertThat(r.depacketizer().framesReferenceLost()).isEqualTo(1);
        assertThat(r.depacketizer().framesDecodableAcrossLoss()).isEqualTo(13);
    }

    @Test
    void aPartlyLostNonReferenceTl2FrameCostsNothingElse() {
        // frame 7 (TL2, N=1) loses its second packet (index 15): it says itself nothing refers to it
        Run r = run(20, Vp8LayeredPackets::threeLayerPattern, Set.of(15), -1);
        assertThat(r.decoded()).isEqualTo(without(range(0, 20), 7));
        assertThat(r.keyframeNeeded()).isFalse();
        assertThat(r.depacketizer().framesIncomplete()).isEqualTo(1);
        assertThat(r.depacketizer().framesReferenceLost()).isZero();
    }

    @Test
    void aLostTl1FrameCostsTheTl2FrameThatReferencesIt() {
        // frame 6 (TL1, Y=1, updates golden) loses a packet: frame 7 (TL2 referencing golden) is dropped,
        // frame 8 (TL0) and frame 9 (TL2 sync) decode; frame 10 (TL1 sync) heals TL1; 11 decodes again
        Run r = run(20, Vp8LayeredPackets::threeLayerPattern, Set.of(13), -1);
        assertThat(r.decoded()).isEqualTo(without(range(0, 20), 6, 7));
        assertThat(r.keyframeNeeded()).isFalse();
    }

    @Test
    void aLostTl0FrameNeedsAKeyframe() {
        // frame 8 (TL0) lost without trace: frame 9 carries a TL0PICIDX the decoder never saw
        Run r = run(20, Vp8LayeredPackets::threeLayerPattern, Set.of(16, 17), -1);
        assertThat(r.decoded()).isEqualTo(range(0, 8));
        assertThat(r.keyframeNeeded()).isTrue();
        assertThat(r.depacketizer().framesReferenceLost()).isEqualTo(11);
    }

    @Test
    void aPartlyLostTl0FrameNeedsAKeyframeAtOnce() {
        Vp8LayeredPackets tx = new Vp8LayeredPackets(96, 1, 0, 0, 600);
        Vp8Depacketizer d = new Vp8Depacketizer();
        for (byte[] p : tx.frame(vp8(0, true, 1000), 0, new Layer(0, false, false))) {
            d.push(parse(p, 0));
        }
        for (int f = 1; f < 4; f++) {
            for (byte[] p : tx.frame(vp8(f, false, 1000), 3000L * f, Vp8LayeredPackets.threeLayerPattern(f))) {
                d.push(parse(p, 0));
            }
        }
        assertThat(d.needsKeyframe()).isFalse();
        List<byte[]> tl0 = tx.frame(vp8(4, false, 1000), 12000, new Layer(0, false, false));
        d.push(parse(tl0.get(1), 0)); // its first packet lost: the rest says it was a base frame
        List<byte[]> next = tx.frame(vp8(5, false, 1000), 15000, Vp8LayeredPackets.threeLayerPattern(5));
        d.push(parse(next.get(0), 0));
        assertThat(d.needsKeyframe()).as("the base layer is broken").isTrue();
        assertThat(d.push(parse(next.get(1), 0))).as("frame 5 references the lost base frame").isNull();
    }

    @Test
    void aKeyframeAfterABrokenBaseLayerRestoresDecoding() {
        Run r = run(30, Vp8LayeredPackets::threeLayerPattern, Set.of(16, 17), 20);
        assertThat(r.decoded()).isEqualTo(without(range(0, 30), 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19));
        assertThat(r.keyframeNeeded()).isFalse();
    }

    @Test
    void withoutTemporalLayersALostFrameNeedsAKeyframe() {
        Run r = run(10, f -> Layer.NONE, Set.of(8, 9), -1);
        assertThat(r.decoded()).isEqualTo(range(0, 4));
        assertThat(r.keyframeNeeded()).isTrue();
    }

    @Test
    void withoutTemporalLayersAnIncompleteFrameNeedsAKeyframeAndIsNeverHandedOut() {
        Run r = run(10, f -> Layer.NONE, Set.of(9), 7);
        assertThat(r.decoded()).isEqualTo(List.of(0, 1, 2, 3, 7, 8, 9));
        assertThat(r.depacketizer().framesIncomplete()).isEqualTo(1);
        assertThat(r.depacketizer().framesReferenceLost()).as("frames 5 and 6").isEqualTo(2);
    }

    @Test
    void aLostPaddingPacketBreaksNothing() {
        Vp8LayeredPackets tx = new Vp8LayeredPackets(96, 1, 100, 5, 600);
        Vp8Depacketizer d = new Vp8Depacketizer();
        List<Integer> out = new ArrayList<>();
        int seq = 100;
        for (int f = 0; f < 6; f++) {
            for (byte[] p : tx.frame(vp8(f, f == 0, 1000), 3000L * f, Layer.NONE)) {
                if (d.push(parse(p, 0)) != null) {
                    out.add(f);
                }
                seq++;
            }
            if (f == 2) {
                // a padding-only packet the sender put between frames 2 and 3 is lost: sequence number
                // skipped, no PictureID skipped
                tx = new Vp8LayeredPackets(96, 1, seq + 1, 5 + f + 1, 600);
                seq++;
            }
        }
        assertThat(out).isEqualTo(range(0, 6));
        assertThat(d.needsKeyframe()).isFalse();
        assertThat(d.framesDecodableAcrossLoss()).isEqualTo(3);
    }

    @Test
    void anUpperLayerThatNeverResyncsAsksForAKeyframeAfterASecond() {
        Vp8ReferenceTracker t = new Vp8ReferenceTracker();
        assertThat(t.onFrameComplete(info(0, 0, 0, false), true, 0)).isTrue();
        t.onFrameDropped(info(1, 0, 1, false), 10 * MS); // a TL1 frame without N lost
        long now = 10 * MS;
        int pid = 2;
        int tl0 = 0;
        for (int cycle = 0; cycle < 40; cycle++) {
            now += 33 * MS;
            tl0++;
            assertThat(t.onFrameComplete(info(pid++, tl0, 0, false), false, now)).isTrue();
            now += 33 * MS;
            assertThat(t.onFrameComplete(info(pid++, tl0, 1, false), false, now)).as("TL1 without sync").isFalse();
            if (now - 10 * MS < Vp8ReferenceTracker.LAYER_RESYNC_NANOS) {
                assertThat(t.needsKeyframe()).isFalse();
            }
        }
        assertThat(t.needsKeyframe()).isTrue();
        assertThat(t.onFrameComplete(info(pid++, tl0 + 1, 0, false), true, now)).isTrue();
        assertThat(t.needsKeyframe()).isFalse();
    }

    private static Vp8FrameInfo info(int pid, int tl0, int tid, boolean sync) {
        return new Vp8FrameInfo(pid, 1 << 15, tl0, tid, sync, false, false);
    }

    @Test
    void garbageAndTruncatedDescriptorsAreCountedNeverThrown() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        Random rnd = new Random(7);
        int seq = 0;
        // truncated descriptors: X set and nothing after; I set and no PictureID; L/T bytes missing
        byte[][] truncated = {{(byte) 0x90}, {(byte) 0x90, (byte) 0x80}, {(byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0x90, (byte) 0xE0, (byte) 0x80, 1}, {(byte) 0x90, (byte) 0xE0, (byte) 0x80, 1, 2},
                {(byte) 0x90, (byte) 0xE0, (byte) 0x80, 1, 2, 3}};
        for (byte[] payload : truncated) {
            assertThat(d.push(packet(seq++, seq * 3000L, true, payload))).isNull();
        }
        assertThat(d.malformed()).isEqualTo(truncated.length);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[rnd.nextInt(40)];
            rnd.nextBytes(payload);
            int s = rnd.nextInt(8) == 0 ? rnd.nextInt(65536) : seq++;
            EncodedFrame f = d.push(packet(s, (s / 3) * 3000L, rnd.nextBoolean(), payload));
            if (f != null) {
                assertThat(f.data().length).isPositive();
            }
        }
        assertThat(d.malformed()).isPositive();
    }

    private static RtpPacket packet(int seq, long ts, boolean marker, byte[] payload) {
        byte[] d = new byte[12 + payload.length];
        RtpHeaderWriter.write(d, 0, marker, 96, seq & 0xFFFF, ts, 1);
        System.arraycopy(payload, 0, d, 12, payload.length);
        return parse(d, 0);
    }
}
