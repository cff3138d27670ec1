package io.ams.rtp.vp8;

import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.ReorderBuffer;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FfmpegCli;
import io.ams.rtp.testing.Ivf;
import io.ams.rtp.testing.RtpCaptures;
import io.ams.rtp.testing.UdpCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Vp8Depacketizer on packets from FFmpeg's RTP muxer (an independent peer), compared with the IVF file it sent. */
class Vp8FfmpegPeerTest {
    private static final int PT = 96;

    @TempDir
    static Path dir;

    static List<byte[]> fileFrames;
    static List<RtpPacket> packets;

    @BeforeAll
    static void encodeAndSend() throws Exception {
        Path ivf = dir.resolve("out.ivf");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "60",
                "-c:v", "libvpx", "-deadline", "realtime", "-g", "30", "-b:v", "2M", "-auto-alt-ref", "0", ivf.toString()));
        fileFrames = Ivf.readFrames(ivf);
        assertThat(fileFrames).hasSize(60);
        try (UdpCapture capture = new UdpCapture()) {
            FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                    "-i", ivf.toString(), "-c", "copy", "-f", "rtp", "-payload_type", String.valueOf(PT), "-ssrc", "1234",
                    "rtp://127.0.0.1:" + capture.port() + "?pkt_size=1200"));
            capture.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(5));
            packets = RtpCaptures.parse(capture.packets(), PT);
        }
        assertThat(packets).isNotEmpty();
    }

    static List<EncodedFrame> depacketize(List<RtpPacket> in, Depacketizer d) {
        List<EncodedFrame> out = new ArrayList<>();
        for (RtpPacket p : in) {
            EncodedFrame f = d.push(p);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    static Map<Long, List<RtpPacket>> byTimestamp(List<RtpPacket> in) {
        Map<Long, List<RtpPacket>> m = new LinkedHashMap<>();
        for (RtpPacket p : in) {
            m.computeIfAbsent(p.timestamp(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    static void assertSameFrames(List<EncodedFrame> got, List<byte[]> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i).data()).as("frame %d", i).isEqualTo(expected.get(i));
            assertThat(got.get(i).keyframe()).as("keyframe flag of frame %d", i).isEqualTo(Ivf.isVp8Keyframe(expected.get(i)));
            assertThat(got.get(i).codec()).isEqualTo(VideoCodec.VP8);
        }
    }

    @Test
    void ffmpegPacketsGiveBackTheFramesOfTheFile() {
        assertThat(packets).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(1234L));
        assertThat(packets).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(1200));
        Map<Long, List<RtpPacket>> frames = byTimestamp(packets);
        assertThat(frames).hasSize(60);
        assertThat(frames.values().stream().filter(l -> l.size() > 1).count()).as("multi-packet frames").isGreaterThan(10);

        Depacketizer d = Depacketizer.forCodec(VideoCodec.VP8);
        List<EncodedFrame> got = depacketize(packets, d);

        assertSameFrames(got, fileFrames);
        assertThat(got.get(0).keyframe()).isTrue();
        assertThat(got.get(30).keyframe()).as("-g 30 gives a keyframe at frame 30").isTrue();
        assertThat(got.get(1).keyframe()).isFalse();
        assertThat(d.framesCompleted()).isEqualTo(60);
        assertThat(d.framesDropped()).isZero();
        assertThat(d.malformed()).isZero();
        assertThat(d.needsKeyframe()).isFalse();
        // timestamps rise from frame to frame
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).rtpTimestamp()).isGreaterThan(got.get(i - 1).rtpTimestamp());
        }
    }

    @Test
    void shuffledWithinASmallWindowTheReorderBufferRestoresTheFrames() {
        List<RtpPacket> shuffled = new ArrayList<>(packets);
        Random random = new Random(42);
        for (int i = 0; i < shuffled.size(); i += 8) {
            Collections.shuffle(shuffled.subList(i, Math.min(i + 8, shuffled.size())), random);
        }
        assertThat(shuffled).isNotEqualTo(packets);

        ReorderBuffer reorder = new ReorderBuffer(64, 50_000_000L);
        Depacketizer d = Depacketizer.forCodec(VideoCodec.VP8);
        List<EncodedFrame> got = new ArrayList<>();
        for (RtpPacket p : shuffled) {
            reorder.push(p, q -> {
                EncodedFrame f = d.push(q);
                if (f != null) {
                    got.add(f);
                }
            });
        }
        assertSameFrames(got, fileFrames);
        assertThat(reorder.lost()).isZero();
        assertThat(reorder.late()).isZero();
    }

    @Test
    void aLostPacketDropsItsFrameAndTheFollowingDeltaFramesUntilTheNextKeyframe() {
        List<List<RtpPacket>> frames = new ArrayList<>(byTimestamp(packets).values());
        // the first delta frame of several packets that has a keyframe somewhere after it
        int lossy = -1;
        int nextKey = -1;
        for (int i = 1; i < fileFrames.size() && nextKey < 0; i++) {
            boolean key = Ivf.isVp8Keyframe(fileFrames.get(i));
            if (lossy < 0 && !key && frames.get(i).size() > 1) {
                lossy = i;
            } else if (lossy >= 0 && key) {
                nextKey = i;
            }
        }
        assertThat(lossy).as("a multi-packet delta frame").isPositive();
        assertThat(nextKey).as("a keyframe after frame %d", lossy).isGreaterThan(lossy + 1);
        List<RtpPacket> lossyPackets = frames.get(lossy);
        for (int which : new int[] {0, lossyPackets.size() / 2, lossyPackets.size() - 1}) {
            List<RtpPacket> in = new ArrayList<>(packets);
            in.remove(lossyPackets.get(which));

            Depacketizer d = Depacketizer.forCodec(VideoCodec.VP8);
            List<EncodedFrame> got = new ArrayList<>();
            boolean neededKeyframeBeforeRecovery = false;
            long lastDeltaTimestamp = frames.get(nextKey - 1).get(0).timestamp();
            for (RtpPacket p : in) {
                EncodedFrame f = d.push(p);
                if (f != null) {
                    got.add(f);
                }
                if (p.timestamp() == lastDeltaTimestamp) {
                    neededKeyframeBeforeRecovery = d.needsKeyframe();
                }
            }
            List<byte[]> expected = new ArrayList<>(fileFrames.subList(0, lossy));
            expected.addAll(fileFrames.subList(nextKey, fileFrames.size()));
            assertSameFrames(got, expected);
            assertThat(neededKeyframeBeforeRecovery).as("lost packet %d of frame %d: needs keyframe", which, lossy).isTrue();
            assertThat(d.needsKeyframe()).isFalse();
            assertThat(d.framesDropped()).as("frames %d..%d dropped", lossy, nextKey - 1).isEqualTo(nextKey - lossy);
            assertThat(d.malformed()).isZero();
        }
    }
}
