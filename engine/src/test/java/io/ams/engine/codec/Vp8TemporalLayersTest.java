package io.ams.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.Vp8Clip;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.Vp8LayeredPackets;
import io.ams.rtp.vp8.Vp8Depacketizer;

/**
 * Real libvpx VP8 with 3 temporal layers (FFmpeg ts_layering_mode 3), sent with the descriptors a
 * WebRTC sender writes, and frames lost on the way: every picture the depacketizer lets through
 * decodes exactly as it does without loss (same luma), so decoding on across the loss shows no
 * garbage; and the frame it holds back after a lost TL1 frame really would have decoded wrong.
 */
class Vp8TemporalLayersTest {
    private static final int W = 320;
    private static final int H = 240;
    private static final int FRAMES = 32;

    private static long lumaHash(VideoFrame f) {
        AVFrame a = f.avFrame();
        BytePointer y = a.data(0);
        byte[] row = new byte[a.width()];
        long h = 1125899906842597L;
        for (int r = 0; r < a.height(); r++) {
            y.position((long) r * a.linesize(0)).get(row, 0, row.length);
            h = 31 * h + Arrays.hashCode(row);
        }
        y.position(0);
        return h;
    }

    /** Decodes the frames at {@code indexes} in order; frame index -> luma hash of its picture. */
    private static Map<Integer, Long> decode(List<byte[]> clip, List<Integer> indexes) {
        Map<Integer, Long> out = new LinkedHashMap<>();
        try (VideoDecoder d = VideoDecoder.create(VideoCodec.VP8)) {
            for (int i : indexes) {
                VideoFrame f = d.decode(new EncodedFrame(VideoCodec.VP8, clip.get(i), i == 0, 3000L * i, 0));
                if (f != null) {
                    try {
                        out.put(i, lumaHash(f));
                    } finally {
                        f.release();
                    }
                }
            }
        }
        return out;
    }

    /** Sends the clip as RTP (300-byte payloads) leaving out {@code lost} packets, through the depacketizer and a decoder. */
    private static Map<Integer, Long> receive(List<byte[]> clip, Set<Integer> lost, Vp8Depacketizer d) {
        Vp8LayeredPackets tx = new Vp8LayeredPackets(96, 99, 1000, 100, 300);
        Map<Integer, Long> out = new LinkedHashMap<>();
        int packetIndex = 0;
        try (VideoDecoder decoder = VideoDecoder.create(VideoCodec.VP8)) {
            for (int i = 0; i < clip.size(); i++) {
                for (byte[] datagram : tx.frame(clip.get(i), 3000L * i, Vp8LayeredPackets.threeLayerPattern(i))) {
                    if (lost.contains(packetIndex++)) {
                        continue;
                    }
                    EncodedFrame f;
                    try {
                        f = d.push(RtpPacket.parse(datagram, 0, datagram.length, i * 33_000_000L));
                    } catch (RtpFormatException e) {
                        throw new AssertionError(e);
                    }
                    if (f != null) {
                        int n = (int) (f.rtpTimestamp() / 3000);
                        assertThat(f.data()).as("frame %d whole", n).isEqualTo(clip.get(n));
                        VideoFrame p = decoder.decode(f);
                        assertThat(p).as("frame %d decodes", n).isNotNull();
                        try {
                            out.put(n, lumaHash(p));
                        } finally {
                            p.release();
                        }
                    }
                }
            }
            assertThat(decoder.decodeErrors()).isZero();
        }
        return out;
    }

    /** Packet indexes (300-byte payloads) of frame {@code n} of the clip. */
    private static List<Integer> packetsOf(List<byte[]> clip, int n) {
        int first = 0;
        for (int i = 0; i < n; i++) {
            first += (clip.get(i).length + 299) / 300;
        }
        List<Integer> l = new ArrayList<>();
        for (int k = 0; k < (clip.get(n).length + 299) / 300; k++) {
            l.add(first + k);
        }
        return l;
    }

    private static List<Integer> all() {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void framesDecodedAcrossLostTl2FramesAreExactlyTheLosslessPictures() {
        long framesBefore = NativeResources.outstandingFrames();
        List<byte[]> clip = Vp8Clip.encode(W, H, FRAMES, 400, Vp8Clip.THREE_LAYERS);
        Map<Integer, Long> reference = decode(clip, all());
        assertThat(reference).hasSize(FRAMES);

        // frame 5 (TL2) lost without trace; frame 15 (TL2, N=1) loses its last packet
        List<Integer> f15 = packetsOf(clip, 15);
        assertThat(f15).as("frame 15 spans packets").isNotEmpty();
        Set<Integer> lost = new java.util.HashSet<>(packetsOf(clip, 5));
        lost.add(f15.get(f15.size() - 1));
        Vp8Depacketizer d = new Vp8Depacketizer();
        Map<Integer, Long> got = receive(clip, lost, d);

        List<Integer> expected = all();
        // 5 and 15 lost; 7 (TL2 without layer sync) might reference the unknown lost frame: held back
        expected.removeAll(List.of(5, 7, 15));
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(expected);
        for (Map.Entry<Integer, Long> e : got.entrySet()) {
            assertThat(e.getValue()).as("picture of frame %d equals the lossless decode", e.getKey())
                    .isEqualTo(reference.get(e.getKey()));
        }
        assertThat(d.needsKeyframe()).as("no keyframe needed").isFalse();
        assertThat(d.framesDecodableAcrossLoss()).as("6..31 but 7 and 15").isEqualTo(FRAMES - 8);
        assertThat(NativeResources.outstandingFrames()).isEqualTo(framesBefore);
    }

    @Test
    void theFrameHeldBackAfterALostTl1FrameWouldHaveDecodedWrong() {
        List<byte[]> clip = Vp8Clip.encode(W, H, FRAMES, 400, Vp8Clip.THREE_LAYERS);
        Map<Integer, Long> reference = decode(clip, all());
        // what a decoder makes of frame 7 (TL2, references the TL1 frame 6) when 6 is missing
        List<Integer> without6 = all();
        without6.remove(Integer.valueOf(6));
        Map<Integer, Long> broken = decode(clip, without6);
        assertThat(broken.get(7)).as("frame 7 depends on frame 6").isNotEqualTo(reference.get(7));
        assertThat(broken.get(8)).as("frame 8 (TL0) does not").isEqualTo(reference.get(8));

        Vp8Depacketizer d = new Vp8Depacketizer();
        Map<Integer, Long> got = receive(clip, Set.of(packetsOf(clip, 6).get(0)), d);
        List<Integer> expected = all();
        expected.removeAll(List.of(6, 7));
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(expected);
        for (Map.Entry<Integer, Long> e : got.entrySet()) {
            assertThat(e.getValue()).as("frame %d", e.getKey()).isEqualTo(reference.get(e.getKey()));
        }
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void aLostBaseFrameStopsDecodingUntilAKeyframe() {
        List<byte[]> clip = Vp8Clip.encode(W, H, FRAMES, 400, Vp8Clip.THREE_LAYERS);
        Vp8Depacketizer d = new Vp8Depacketizer();
        Map<Integer, Long> got = receive(clip, Set.of(packetsOf(clip, 8).get(0)), d);
        assertThat(got.keySet()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(d.needsKeyframe()).isTrue();
    }
}
