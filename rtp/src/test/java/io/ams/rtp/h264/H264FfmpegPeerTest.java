package io.ams.rtp.h264;

import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.ReorderBuffer;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FfmpegCli;
import io.ams.rtp.testing.H264Stream;
import io.ams.rtp.testing.RtpCaptures;
import io.ams.rtp.testing.UdpCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** H264Depacketizer on packets from FFmpeg's RTP muxer (an independent peer), compared with the Annex B file it sent. */
class H264FfmpegPeerTest {
    private static final int PT = 96;

    @TempDir
    static Path dir;

    static List<List<byte[]>> fileAccessUnits;
    static List<RtpPacket> packets;

    @BeforeAll
    static void encodeAndSend() throws Exception {
        // MPEG-TS keeps Annex B in-band and gives every access unit a timestamp (a raw .h264 input does not)
        Path ts = dir.resolve("out.ts");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "60",
                "-c:v", "libopenh264", "-profile:v", "constrained_baseline", "-g", "30", "-b:v", "1M",
                "-f", "mpegts", ts.toString()));
        Path h264 = dir.resolve("out.h264");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-i", ts.toString(), "-c", "copy", "-f", "h264", h264.toString()));
        fileAccessUnits = H264Stream.accessUnits(Files.readAllBytes(h264));
        assertThat(fileAccessUnits).hasSize(60);
        try (UdpCapture capture = new UdpCapture()) {
            FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                    "-i", ts.toString(), "-c", "copy",
                    "-f", "rtp", "-payload_type", String.valueOf(PT), "-ssrc", "1234",
                    "rtp://127.0.0.1:" + capture.port() + "?pkt_size=1200"));
            capture.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(5));
            packets = RtpCaptures.parse(capture.packets(), PT);
        }
        assertThat(packets).isNotEmpty();
    }

    static Map<Long, List<RtpPacket>> byTimestamp(List<RtpPacket> in) {
        Map<Long, List<RtpPacket>> m = new LinkedHashMap<>();
        for (RtpPacket p : in) {
            m.computeIfAbsent(p.timestamp(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    static void assertSameAccessUnits(List<EncodedFrame> got, List<List<byte[]>> expected) {
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            EncodedFrame f = got.get(i);
            byte[] d = f.data();
            assertThat(d.length).isGreaterThan(4);
            assertThat(new byte[] {d[0], d[1], d[2], d[3]}).as("4-byte start code").containsExactly(0, 0, 0, 1);
            List<byte[]> nals = H264Stream.nalUnits(d);
            assertThat(H264Stream.types(nals)).as("NAL types of access unit %d", i).isEqualTo(H264Stream.types(expected.get(i)));
            for (int n = 0; n < nals.size(); n++) {
                assertThat(nals.get(n)).as("NAL %d of access unit %d", n, i).isEqualTo(expected.get(i).get(n));
            }
            assertThat(f.keyframe()).as("keyframe flag of access unit %d", i).isEqualTo(H264Stream.hasIdr(expected.get(i)));
            assertThat(f.codec()).isEqualTo(VideoCodec.H264);
        }
    }

    static int nalType(RtpPacket p) {
        return p.buffer()[p.payloadOffset()] & 0x1F;
    }

    @Test
    void ffmpegPacketsGiveBackTheAccessUnitsOfTheFile() {
        assertThat(packets).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(1200));
        assertThat(byTimestamp(packets)).hasSize(60);
        assertThat(packets.stream().filter(p -> nalType(p) == 28).count()).as("FU-A packets").isGreaterThan(10);
        assertThat(packets.stream().filter(p -> nalType(p) == 24).count()).as("STAP-A packets").isPositive();

        Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
        List<EncodedFrame> got = new ArrayList<>();
        for (RtpPacket p : packets) {
            EncodedFrame f = d.push(p);
            if (f != null) {
                got.add(f);
            }
        }
        assertSameAccessUnits(got, fileAccessUnits);
        assertThat(got.get(0).keyframe()).isTrue();
        assertThat(got.get(30).keyframe()).as("-g 30 gives an IDR at frame 30").isTrue();
        assertThat(got.get(1).keyframe()).isFalse();
        assertThat(d.framesCompleted()).isEqualTo(60);
        assertThat(d.framesDropped()).isZero();
        assertThat(d.malformed()).isZero();
    }

    @Test
    void shuffledWithinASmallWindowTheReorderBufferRestoresTheAccessUnits() {
        List<RtpPacket> shuffled = new ArrayList<>(packets);
        Random random = new Random(7);
        for (int i = 0; i < shuffled.size(); i += 8) {
            Collections.shuffle(shuffled.subList(i, Math.min(i + 8, shuffled.size())), random);
        }
        assertThat(shuffled).isNotEqualTo(packets);
        ReorderBuffer reorder = new ReorderBuffer(64, 50_000_000L);
        Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
        List<EncodedFrame> got = new ArrayList<>();
        for (RtpPacket p : shuffled) {
            reorder.push(p, q -> {
                EncodedFrame f = d.push(q);
                if (f != null) {
                    got.add(f);
                }
            });
        }
        reorder.flushExpired(Long.MAX_VALUE / 2, q -> {
            EncodedFrame f = d.push(q);
            if (f != null) {
                got.add(f);
            }
        });
        assertSameAccessUnits(got, fileAccessUnits);
        assertThat(reorder.lost()).isZero();
        assertThat(reorder.late()).isZero();
    }

    @Test
    void aLostPacketDropsItsAccessUnitAndTheFollowingUntilTheNextIdr() {
        List<List<RtpPacket>> frames = new ArrayList<>(byTimestamp(packets).values());
        int lossy = -1;
        int nextKey = -1;
        for (int i = 1; i < fileAccessUnits.size() && nextKey < 0; i++) {
            boolean key = H264Stream.hasIdr(fileAccessUnits.get(i));
            if (lossy < 0 && !key && frames.get(i).size() > 1) {
                lossy = i;
            } else if (lossy >= 0 && key) {
                nextKey = i;
            }
        }
        assertThat(lossy).as("a multi-packet P frame").isPositive();
        assertThat(nextKey).as("an IDR after frame %d", lossy).isGreaterThan(lossy + 1);
        List<RtpPacket> lossyPackets = frames.get(lossy);
        for (int which : new int[] {0, lossyPackets.size() / 2, lossyPackets.size() - 1}) {
            List<RtpPacket> in = new ArrayList<>(packets);
            in.remove(lossyPackets.get(which));
            Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
            List<EncodedFrame> got = new ArrayList<>();
            boolean neededKeyframeBeforeRecovery = false;
            long lastPTimestamp = frames.get(nextKey - 1).get(0).timestamp();
            for (RtpPacket p : in) {
                EncodedFrame f = d.push(p);
                if (f != null) {
                    got.add(f);
                }
                if (p.timestamp() == lastPTimestamp) {
                    neededKeyframeBeforeRecovery = d.needsKeyframe();
                }
            }
            List<List<byte[]>> expected = new ArrayList<>(fileAccessUnits.subList(0, lossy));
            expected.addAll(fileAccessUnits.subList(nextKey, fileAccessUnits.size()));
            assertSameAccessUnits(got, expected);
            assertThat(neededKeyframeBeforeRecovery).as("lost packet %d of frame %d: needs keyframe", which, lossy).isTrue();
            assertThat(d.needsKeyframe()).isFalse();
            assertThat(d.framesDropped()).isEqualTo(nextKey - lossy);
            assertThat(d.malformed()).isZero();
        }
    }
}
