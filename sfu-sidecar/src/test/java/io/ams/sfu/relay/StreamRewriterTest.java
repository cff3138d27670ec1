package io.ams.sfu.relay;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRewriterTest {
    private static final long OUT = 0x0A0B0C0DL;
    private static final long MS = 1_000_000L;

    private final List<Long> plis = new ArrayList<>();
    private final byte[] out = new byte[1500];

    private StreamRewriter rewriter(int initialSeq, long initialTs) {
        return new StreamRewriter(OUT, 100, VideoCodec.VP8, 90_000, initialSeq, initialTs, 500 * MS, plis::add);
    }

    /**
     * A VP8 packet: descriptor X=1 with I (PictureID, 7 or 15 bits) and L (TL0PICIDX), S on the first
     * packet of a frame; the VP8 payload header's P bit says keyframe (0) or not (1).
     */
    static byte[] vp8(long ssrc, int seq, long ts, int picId, boolean wide, int tl0, boolean start, boolean key) {
        byte[] b = new byte[12 + 5 + 10];
        RtpHeaderWriter.write(b, 0, false, 96, seq, ts, ssrc);
        int p = 12;
        b[p++] = (byte) (0x80 | (start ? 0x10 : 0));
        b[p++] = (byte) 0xC0; // I and L
        if (wide) {
            b[p++] = (byte) (0x80 | (picId >>> 8));
            b[p++] = (byte) picId;
        } else {
            b[p++] = (byte) (picId & 0x7F);
        }
        b[p++] = (byte) tl0;
        b[p] = (byte) (key ? 0x00 : 0x01);
        if (key) {
            b[p + 3] = (byte) 0x9D;
            b[p + 4] = 0x01;
            b[p + 5] = 0x2A;
        }
        return java.util.Arrays.copyOf(b, p + 10);
    }

    private record Out(int seq, long ts, long ssrc, int pt, int picId, boolean wide, int tl0, int length) {
    }

    private Out send(StreamRewriter rw, byte[] pkt, long nowNanos) throws RtpFormatException {
        int n = rw.rewrite(RtpPacket.parse(pkt, 0, pkt.length), nowNanos, out, 0);
        if (n < 0) {
            return null;
        }
        RtpPacket o = RtpPacket.parse(out, 0, n);
        int p = o.payloadOffset() + 2;
        boolean wide = (out[p] & 0x80) != 0;
        int pic = wide ? ((out[p] & 0x7F) << 8) | (out[p + 1] & 0xFF) : out[p] & 0x7F;
        int tl0 = out[p + (wide ? 2 : 1)] & 0xFF;
        // everything after the descriptor is untouched
        assertThat(java.util.Arrays.copyOfRange(out, o.payloadOffset() + 4 + (wide ? 1 : 0), n))
                .isEqualTo(java.util.Arrays.copyOfRange(pkt, o.payloadOffset() + 4 + (wide ? 1 : 0), n));
        return new Out(o.sequenceNumber(), o.timestamp(), o.ssrc(), o.payloadType(), pic, wide, tl0, n);
    }

    /** A source sending frames of 3 packets, 3000 ticks (33 ms) apart. */
    private static final class Source {
        final long ssrc;
        int seq;
        long ts;
        int picId;
        int tl0;
        final boolean wide;

        Source(long ssrc, int seq, long ts, int picId, int tl0, boolean wide) {
            this.ssrc = ssrc;
            this.seq = seq;
            this.ts = ts;
            this.picId = picId;
            this.tl0 = tl0;
            this.wide = wide;
        }

        byte[][] frame(boolean key) {
            byte[][] f = new byte[3][];
            for (int i = 0; i < 3; i++) {
                f[i] = vp8(ssrc, seq, ts, picId, wide, tl0, i == 0, key);
                seq = (seq + 1) & 0xFFFF;
            }
            ts = (ts + 3000) & 0xFFFFFFFFL;
            picId = (picId + 1) & (wide ? 0x7FFF : 0x7F);
            tl0 = (tl0 + 1) & 0xFF;
            return f;
        }
    }

    @Test
    void seqTimestampPictureIdAndTl0ContinueAcrossThreeSwitchesWithWrap() throws Exception {
        StreamRewriter rw = rewriter(65530, 0xFFFF_F000L);
        Source a = new Source(1, 65500, 0xFFFF_0000L, 32760, 250, true);
        Source b = new Source(2, 100, 5000, 120, 10, false); // 7-bit PictureID
        Source c = new Source(3, 65534, 0xFFFF_FFFFL - 4000, 7, 255, true);
        Source[] order = {a, b, c, a};
        long now = 1_000 * MS;
        Out prev = null;
        long prevNanos = 0;
        rw.switchTo(a.ssrc, now);
        assertThat(plis).containsExactly(1L);
        int forwarded = 0;
        for (int episode = 0; episode < order.length; episode++) {
            Source s = order[episode];
            Source old = episode > 0 ? order[episode - 1] : null;
            if (episode > 0) {
                rw.switchTo(s.ssrc, now);
                // a delta frame of the new source is not forwarded; the old one still flows
                for (byte[] p : s.frame(false)) {
                    assertThat(send(rw, p, now)).isNull();
                }
                for (byte[] p : old.frame(false)) {
                    Out o = send(rw, p, now);
                    assertThat(o).isNotNull();
                    assertThat(o.seq()).isEqualTo((prev.seq() + 1) & 0xFFFF);
                    prev = o;
                    prevNanos = now;
                    forwarded++;
                }
                now += 10 * MS;
            }
            for (int f = 0; f < 40; f++) {
                byte[][] frame = s.frame(f == 0);
                for (int i = 0; i < frame.length; i++) {
                    Out o = send(rw, frame[i], now);
                    assertThat(o).as("episode %d frame %d", episode, f).isNotNull();
                    assertThat(o.ssrc()).isEqualTo(OUT);
                    assertThat(o.pt()).isEqualTo(100);
                    assertThat(o.wide()).isEqualTo(s.wide);
                    if (prev == null) {
                        assertThat(o.seq()).isEqualTo(65530);
                        assertThat(o.ts()).isEqualTo(0xFFFF_F000L);
                    } else {
                        assertThat(o.seq()).isEqualTo((prev.seq() + 1) & 0xFFFF);
                        if (i == 0) {
                            long step = f == 0 && episode > 0 ? (now - prevNanos) * 90 / MS : 3000;
                            assertThat(o.ts()).isEqualTo((prev.ts() + step) & 0xFFFFFFFFL);
                            int mask = o.wide() && prev.wide() ? 0x7FFF : 0x7F;
                            assertThat((o.picId() - prev.picId()) & mask).isEqualTo(1);
                            assertThat((o.tl0() - prev.tl0()) & 0xFF).isEqualTo(1);
                        } else {
                            assertThat(o.ts()).isEqualTo(prev.ts());
                            assertThat(o.picId()).isEqualTo(prev.picId());
                        }
                    }
                    prev = o;
                    prevNanos = now;
                    forwarded++;
                }
                now += 33 * MS;
            }
            if (old != null) { // old-source packets after the switch are dropped
                for (byte[] p : old.frame(true)) {
                    assertThat(send(rw, p, now)).isNull();
                }
            }
        }
        assertThat(rw.switches()).isEqualTo(4);
        assertThat(rw.forwarded()).isEqualTo(forwarded);
        assertThat(plis).containsExactly(1L, 2L, 3L, 1L);
    }

    @Test
    void switchWithinOneMillisecondStillAdvancesTimestampByOne() throws Exception {
        StreamRewriter rw = rewriter(0, 1000);
        rw.switchTo(1, 0);
        Out first = send(rw, vp8(1, 10, 50, 5, true, 0, true, true), 0);
        rw.switchTo(2, 0);
        Out second = send(rw, vp8(2, 900, 123456, 60, true, 3, true, true), 0);
        assertThat(first.ts()).isEqualTo(1000);
        assertThat(second.ts()).isEqualTo(1001);
        assertThat(second.seq()).isEqualTo(1);
        assertThat(second.picId()).isEqualTo(6);
        assertThat(second.tl0()).isEqualTo(1);
    }

    /**
     * The lossy-uplink defect (issue 7 part 8): the first packet of the keyframe a switch waits for is lost
     * on the uplink and repaired later, after the rest of the keyframe went by (dropped: not yet the current
     * source). The episode starts on the late packet, but that keyframe is broken for the receiver, so the
     * rewriter must ask for another one at once instead of leaving the receiver with nothing decodable.
     */
    @Test
    void aKeyframeWhoseStartCameLateAsksForAnotherAtOnce() throws Exception {
        StreamRewriter rw = rewriter(0, 0);
        rw.switchTo(7, 0);
        assertThat(plis).containsExactly(7L);
        // keyframe 20..22: 20 lost, 21 and 22 arrive (dropped while pending), then 20 is retransmitted
        assertThat(send(rw, vp8(7, 21, 3000, 9, true, 0, false, true), 10 * MS)).isNull();
        assertThat(send(rw, vp8(7, 22, 3000, 9, true, 0, false, true), 11 * MS)).isNull();
        assertThat(send(rw, vp8(7, 20, 3000, 9, true, 0, true, true), 60 * MS)).isNotNull();
        assertThat(rw.currentSource()).isEqualTo(7);
        assertThat(plis).as("a second keyframe is asked for at once, not after the retry interval").containsExactly(7L, 7L);
        assertThat(rw.incompleteStarts()).isEqualTo(1);
        // a keyframe whose packets come in order asks for nothing more
        StreamRewriter clean = rewriter(0, 0);
        plis.clear();
        clean.switchTo(8, 0);
        assertThat(send(clean, vp8(8, 30, 3000, 9, true, 0, true, true), 10 * MS)).isNotNull();
        assertThat(send(clean, vp8(8, 31, 3000, 9, true, 0, false, true), 11 * MS)).isNotNull();
        assertThat(plis).containsExactly(8L);
        assertThat(clean.incompleteStarts()).isZero();
    }

    @Test
    void nothingFlowsUntilTheFirstKeyframeAndKeyframeRequestsRepeat() throws Exception {
        StreamRewriter rw = rewriter(0, 0);
        assertThat(send(rw, vp8(1, 1, 0, 1, true, 0, true, true), 0)).isNull(); // no switch asked: dropped
        rw.switchTo(1, 0);
        assertThat(rw.pendingSource()).isEqualTo(1);
        assertThat(send(rw, vp8(1, 2, 0, 1, true, 0, true, false), 100 * MS)).isNull();
        assertThat(plis).containsExactly(1L);
        assertThat(send(rw, vp8(1, 3, 0, 1, true, 0, true, false), 600 * MS)).isNull();
        assertThat(plis).containsExactly(1L, 1L);
        // a keyframe's later packet (S=0) does not start the stream either
        assertThat(send(rw, vp8(1, 4, 0, 1, true, 0, false, true), 700 * MS)).isNull();
        assertThat(send(rw, vp8(1, 5, 0, 1, true, 0, true, true), 800 * MS)).isNotNull();
        assertThat(rw.currentSource()).isEqualTo(1);
        assertThat(rw.pendingSource()).isEqualTo(StreamRewriter.NONE);
        assertThat(rw.dropped()).isEqualTo(4);
    }

    @Test
    void reorderedAndRetransmittedPacketsMapConsistently() throws Exception {
        StreamRewriter rw = rewriter(1000, 0);
        rw.switchTo(7, 0);
        assertThat(send(rw, vp8(7, 65535, 0, 1, true, 0, true, true), 0).seq()).isEqualTo(1000);
        assertThat(send(rw, vp8(7, 2, 3000, 2, true, 1, true, false), 0).seq()).isEqualTo(1003); // 0 and 1 late
        Out late1 = send(rw, vp8(7, 1, 0, 1, true, 0, false, true), 0);
        Out late0 = send(rw, vp8(7, 0, 0, 1, true, 0, false, true), 0);
        assertThat(late1.seq()).isEqualTo(1002);
        assertThat(late0.seq()).isEqualTo(1001);
        assertThat(late0.ts()).isEqualTo(0);
        Out again = send(rw, vp8(7, 1, 0, 1, true, 0, false, true), 0); // retransmission
        assertThat(again).isEqualTo(late1);
        // older than the keyframe that began the episode: dropped
        assertThat(send(rw, vp8(7, 65534, 0, 0, true, 0, false, true), 0)).isNull();
        // the next packet continues after the highest one
        assertThat(send(rw, vp8(7, 3, 3000, 2, true, 1, false, false), 0).seq()).isEqualTo(1004);
        // the newest-packet state ignored the late ones: a switch continues from seq 1004
        rw.switchTo(8, 0);
        assertThat(send(rw, vp8(8, 40, 0, 9, true, 0, true, true), 0).seq()).isEqualTo(1005);
    }

    @Test
    void sevenBitPictureIdWrapsWithinItsField() throws Exception {
        StreamRewriter rw = rewriter(0, 0);
        rw.switchTo(1, 0);
        send(rw, vp8(1, 1, 0, 0x7FFE, true, 0, true, true), 0); // 15-bit 32766
        rw.switchTo(2, 0);
        Out o = send(rw, vp8(2, 1, 0, 126, false, 0, true, true), 0);
        assertThat(o.wide()).isFalse();
        assertThat(o.picId()).isEqualTo(0x7F); // 32767 & 0x7F
        o = send(rw, vp8(2, 2, 3000, 127, false, 1, true, false), 0);
        assertThat(o.picId()).isEqualTo(0); // 32768 wraps in 7 bits
        o = send(rw, vp8(2, 3, 6000, 0, false, 2, true, false), 0);
        assertThat(o.picId()).isEqualTo(1);
    }

    @Test
    void switchingBackToTheCurrentSourceCancelsThePendingSwitch() throws Exception {
        StreamRewriter rw = rewriter(0, 0);
        rw.switchTo(1, 0);
        send(rw, vp8(1, 1, 0, 1, true, 0, true, true), 0);
        rw.switchTo(2, 0);
        rw.switchTo(1, 0);
        assertThat(rw.pendingSource()).isEqualTo(StreamRewriter.NONE);
        assertThat(send(rw, vp8(2, 1, 0, 1, true, 0, true, true), 0)).isNull();
        assertThat(send(rw, vp8(1, 2, 3000, 2, true, 1, true, false), 0)).isNotNull();
    }

    @Test
    void tooSmallOutputBufferDrops() throws Exception {
        StreamRewriter rw = rewriter(0, 0);
        rw.switchTo(1, 0);
        byte[] p = vp8(1, 1, 0, 1, true, 0, true, true);
        assertThat(rw.rewrite(RtpPacket.parse(p, 0, p.length), 0, new byte[10], 0)).isEqualTo(StreamRewriter.DROPPED);
    }

    @Test
    void h264KeyframeStarts() {
        byte[] idr = {0x65, 1, 2};
        byte[] nonIdr = {0x41, 1, 2};
        byte[] stapSps = {0x18, 0, 2, 0x09, 0x10, 0, 3, 0x67, 1, 2};
        byte[] stapNoKey = {0x18, 0, 2, 0x09, 0x10, 0, 2, 0x41, 1};
        byte[] stapTruncated = {0x18, 0, 9, 0x09};
        byte[] fuStartIdr = {0x7C, (byte) 0x85, 1};
        byte[] fuMiddleIdr = {0x7C, 0x05, 1};
        byte[] fuStartNonIdr = {0x7C, (byte) 0x81, 1};
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, idr, 0, idr.length)).isTrue();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, nonIdr, 0, nonIdr.length)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, stapSps, 0, stapSps.length)).isTrue();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, stapNoKey, 0, stapNoKey.length)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, stapTruncated, 0, stapTruncated.length)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, fuStartIdr, 0, fuStartIdr.length)).isTrue();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, fuMiddleIdr, 0, fuMiddleIdr.length)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, fuStartNonIdr, 0, fuStartNonIdr.length)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.H264, new byte[0], 0, 0)).isFalse();
    }

    @Test
    void vp8KeyframeNeedsStartPartitionZeroAndPBitClear() {
        byte[] plain = {0x10, 0x00}; // no X, S=1, P bit 0
        byte[] partition1 = {0x11, 0x00};
        byte[] interframe = {0x10, 0x01};
        byte[] descriptorOnly = {(byte) 0x90, (byte) 0x80, (byte) 0x81};
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, plain, 0, 2)).isTrue();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, partition1, 0, 2)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, interframe, 0, 2)).isFalse();
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, descriptorOnly, 0, 3)).isFalse();
    }

    @Test
    void garbledPacketsAreForwardedOrDroppedButNeverThrow() {
        java.util.Random r = new java.util.Random(3);
        StreamRewriter vp8 = rewriter(0, 0);
        StreamRewriter h264 = new StreamRewriter(OUT, 100, VideoCodec.H264, 90_000, 0, 0, 500 * MS, plis::add);
        vp8.switchTo(1, 0);
        h264.switchTo(1, 0);
        int parsed = 0;
        for (int iter = 0; iter < 100_000; iter++) {
            byte[] p = vp8(1, iter & 0xFFFF, iter * 10L, iter, r.nextBoolean(), 0, r.nextBoolean(), r.nextInt(10) == 0);
            p = java.util.Arrays.copyOf(p, 12 + r.nextInt(p.length - 11));
            for (int k = 0, flips = r.nextInt(4); k < flips; k++) {
                int at = 12 + r.nextInt(p.length - 12 + 1);
                if (at < p.length) {
                    p[at] ^= (byte) (1 << r.nextInt(8));
                }
            }
            RtpPacket rtp;
            try {
                rtp = RtpPacket.parse(p, 0, p.length);
            } catch (RtpFormatException e) {
                continue;
            }
            parsed++;
            int a = vp8.rewrite(rtp, iter * MS, out, 0);
            int b = h264.rewrite(rtp, iter * MS, out, 0);
            assertThat(a).isIn(StreamRewriter.DROPPED, p.length);
            assertThat(b).isIn(StreamRewriter.DROPPED, p.length);
        }
        assertThat(parsed).isPositive();
        assertThat(vp8.forwarded()).isPositive();
        assertThat(h264.forwarded()).isPositive();
    }

    @Test
    void paddingTakesTheNextSequenceNumbersAndMediaFollowsThem() throws Exception {
        StreamRewriter rw = rewriter(65533, 1000);
        assertThat(rw.reservePadding(3)).as("nothing forwarded yet").isEqualTo(-1);
        Source a = new Source(7, 500, 90_000, 10, 1, true);
        long now = 1_000 * MS;
        rw.switchTo(a.ssrc, now);
        Out last = null;
        for (byte[] p : a.frame(true)) {
            last = send(rw, p, now);
        }
        assertThat(last.seq()).isEqualTo(65535);
        assertThat(rw.lastOutTimestamp()).isEqualTo(last.ts());
        assertThat(rw.reservePadding(3)).as("right after the frame, wrapping").isEqualTo(0);
        Out next = send(rw, a.frame(false)[0], now + 33 * MS);
        assertThat(next.seq()).as("the next frame after the three padding packets").isEqualTo(3);
        assertThat(rw.reservePadding(0)).isEqualTo(-1);
    }

    /**
     * The relay thread rewrites while another thread (the mix padding, the room's lane) reserves sequence
     * numbers: every output number is handed out once, however the two interleave.
     */
    @Test
    void paddingReservedFromAnotherThreadNeverReusesASequenceNumber() throws Exception {
        StreamRewriter rw = rewriter(1000, 5000);
        rw.switchTo(0x1111, 0);
        java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger duplicates = new java.util.concurrent.atomic.AtomicInteger();
        byte[] key = vp8(0x1111, 0, 0, 1, true, 0, true, true);
        assertThat(send(rw, key, MS)).isNotNull();
        int packets = 20_000;
        Thread padder = new Thread(() -> {
            for (int i = 0; i < packets; i++) {
                int first = rw.reservePadding(1);
                if (first >= 0 && !seen.add(first)) {
                    duplicates.incrementAndGet();
                }
            }
        });
        padder.start();
        byte[] buf = new byte[1500];
        for (int i = 1; i <= packets; i++) {
            byte[] pkt = vp8(0x1111, i, 0, 1, true, 0, false, false);
            int n = rw.rewrite(RtpPacket.parse(pkt, 0, pkt.length), MS, buf, 0);
            if (n > 0 && !seen.add(RtpPacket.parse(buf, 0, n).sequenceNumber())) {
                duplicates.incrementAndGet();
            }
        }
        padder.join(10_000);
        assertThat(duplicates.get()).as("sequence numbers handed out twice").isZero();
        assertThat(seen).hasSize(Math.min(65_536, 2 * packets));
    }
}
