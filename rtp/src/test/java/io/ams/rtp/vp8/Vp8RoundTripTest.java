package io.ams.rtp.vp8;

import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.RtpPayload;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FfmpegCli;
import io.ams.rtp.testing.FfmpegRtpReceiver;
import io.ams.rtp.testing.Ivf;
import io.ams.rtp.testing.RtpStreamBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Vp8Packetizer -> Vp8Depacketizer round trips, descriptor variants, and FFmpeg's RTP demuxer reading our packets. */
class Vp8RoundTripTest {
    private static final int PT = 96;

    @TempDir
    static Path dir;

    static List<byte[]> fileFrames;

    @BeforeAll
    static void encode() throws Exception {
        Path ivf = dir.resolve("src.ivf");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "40",
                "-c:v", "libvpx", "-deadline", "realtime", "-g", "20", "-b:v", "2M", "-auto-alt-ref", "0", ivf.toString()));
        fileFrames = Ivf.readFrames(ivf);
        assertThat(fileFrames).hasSize(40);
    }

    /** A 100 kB "key frame": a valid VP8 key frame header followed by random bytes. */
    static byte[] bigKeyframe() {
        byte[] b = new byte[100_000];
        new Random(5).nextBytes(b);
        b[0] = (byte) (b[0] & 0xFE); // P = 0: key frame
        b[3] = (byte) 0x9D;
        b[4] = 0x01;
        b[5] = 0x2A;
        return b;
    }

    static List<EncodedFrame> sourceFrames() {
        List<EncodedFrame> frames = new ArrayList<>();
        long ts = 4_294_950_000L;
        for (byte[] f : fileFrames) {
            frames.add(new EncodedFrame(VideoCodec.VP8, f, Ivf.isVp8Keyframe(f), ts & 0xFFFFFFFFL, 0));
            ts += 3000;
        }
        frames.add(new EncodedFrame(VideoCodec.VP8, bigKeyframe(), true, ts & 0xFFFFFFFFL, 0));
        return frames;
    }

    static List<EncodedFrame> depacketize(List<byte[]> datagrams, Depacketizer d) throws RtpFormatException {
        List<EncodedFrame> out = new ArrayList<>();
        for (byte[] dg : datagrams) {
            EncodedFrame f = d.push(RtpPacket.parse(dg, 0, dg.length));
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void packetizedAndDepacketizedFramesAreIdentical() throws Exception {
        for (int maxPayload : new int[] {1200, 300}) {
            List<EncodedFrame> frames = sourceFrames();
            Vp8Packetizer packetizer = new Vp8Packetizer(maxPayload, 32_760);
            List<byte[]> datagrams = RtpStreamBuilder.datagrams(frames, packetizer, PT, 99, 65_500);
            assertThat(datagrams.size()).isGreaterThan(100_000 / maxPayload);
            int expectedPictureId = 32_760;
            long lastTs = -1;
            for (byte[] dg : datagrams) {
                assertThat(dg.length - 12).isLessThanOrEqualTo(maxPayload);
                RtpPacket p = RtpPacket.parse(dg, 0, dg.length);
                boolean newFrame = p.timestamp() != lastTs;
                if (newFrame && lastTs >= 0) {
                    expectedPictureId = (expectedPictureId + 1) & 0x7FFF;
                }
                lastTs = p.timestamp();
                assertThat(dg[12] & 0xFF).as("X, S only on the first packet, PID 0").isEqualTo(newFrame ? 0x90 : 0x80);
                assertThat(dg[13] & 0xFF).as("I").isEqualTo(0x80);
                assertThat(((dg[14] & 0x7F) << 8) | (dg[15] & 0xFF)).as("15-bit PictureID").isEqualTo(expectedPictureId);
                assertThat(dg[14] & 0x80).as("M").isEqualTo(0x80);
            }
            assertThat(expectedPictureId).as("PictureID wrapped").isLessThan(100);
            assertThat(packetizer.nextPictureId()).isEqualTo((expectedPictureId + 1) & 0x7FFF);

            Depacketizer d = Depacketizer.forCodec(VideoCodec.VP8);
            List<EncodedFrame> got = depacketize(datagrams, d);
            assertThat(got).hasSize(frames.size());
            for (int i = 0; i < frames.size(); i++) {
                assertThat(got.get(i).data()).as("frame %d (max %d)", i, maxPayload).isEqualTo(frames.get(i).data());
                assertThat(got.get(i).keyframe()).isEqualTo(frames.get(i).keyframe());
                assertThat(got.get(i).rtpTimestamp()).isEqualTo(frames.get(i).rtpTimestamp());
            }
            assertThat(d.framesDropped()).isZero();
            assertThat(d.malformed()).isZero();
        }
    }

    @Test
    void theLastPacketCarriesTheMarkerAndAnEmptyFrameGivesNoPackets() {
        List<RtpPayload> payloads = Packetizer.forCodec(VideoCodec.VP8, 1200)
                .packetize(new EncodedFrame(VideoCodec.VP8, bigKeyframe(), true, 0, 0));
        assertThat(payloads).hasSize((int) Math.ceil(100_000 / 1196.0));
        assertThat(payloads.subList(0, payloads.size() - 1)).noneMatch(RtpPayload::marker);
        assertThat(payloads.get(payloads.size() - 1).marker()).isTrue();
        assertThat(new Vp8Packetizer().packetize(new EncodedFrame(VideoCodec.VP8, new byte[0], false, 0, 0))).isEmpty();
    }

    private static RtpPacket rtp(int seq, long ts, boolean marker, byte[] payload) throws RtpFormatException {
        byte[] b = new byte[12 + payload.length];
        RtpHeaderWriter.write(b, 0, marker, PT, seq, ts, 1);
        System.arraycopy(payload, 0, b, 12, payload.length);
        return RtpPacket.parse(b, 0, b.length);
    }

    private static byte[] concat(byte[] a, byte[] b, int bOff, int bLen) {
        byte[] out = new byte[a.length + bLen];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, bOff, out, a.length, bLen);
        return out;
    }

    @Test
    void everyDescriptorVariantIsUnderstood() throws Exception {
        byte[] key = fileFrames.get(0);
        byte[] delta = fileFrames.get(1);
        int half = key.length / 2;
        Vp8Depacketizer d = new Vp8Depacketizer();
        // key frame in two packets: no extension byte at all, then X with 7-bit PictureID, L, T and K
        assertThat(d.push(rtp(1, 0, false, concat(new byte[] {0x10}, key, 0, half)))).isNull();
        EncodedFrame f1 = d.push(rtp(2, 0, true, concat(new byte[] {(byte) 0x80, (byte) 0xF0, 0x05, 0x11, (byte) 0xE3}, key, half, key.length - half)));
        assertThat(f1.data()).isEqualTo(key);
        assertThat(f1.keyframe()).isTrue();
        assertThat(d.lastPictureId()).isEqualTo(5);
        // delta frame: X with N, 15-bit PictureID and K only
        EncodedFrame f2 = d.push(rtp(3, 3000, true, concat(new byte[] {(byte) 0xB0, (byte) 0x90, (byte) 0x81, 0x02, 0x1F}, delta, 0, delta.length)));
        assertThat(f2.data()).isEqualTo(delta);
        assertThat(f2.keyframe()).isFalse();
        assertThat(d.lastPictureId()).isEqualTo(0x102);
        assertThat(d.malformed()).isZero();
    }

    @Test
    void malformedDescriptorsAreCountedNeverThrown() throws Exception {
        Vp8Depacketizer d = new Vp8Depacketizer();
        byte[][] bad = {
            {(byte) 0x90},                         // X set, extension byte missing
            {(byte) 0x90, (byte) 0x80},            // I set, PictureID missing
            {(byte) 0x90, (byte) 0x80, (byte) 0x81}, // M set, second PictureID byte missing
            {0x10},                                // no VP8 payload
            {0x10, 0x00, 0x00, 0x00, 0x00},        // key frame without start code
        };
        int seq = 0;
        for (byte[] b : bad) {
            assertThat(d.push(rtp(seq++, seq * 3000L, true, b))).isNull();
        }
        assertThat(d.malformed()).isEqualTo(bad.length);
        assertThat(d.framesDropped()).isEqualTo(bad.length);
        // a frame whose first packet is not a start (S=0) is dropped, not malformed
        assertThat(d.push(rtp(seq++, 99_000, true, concat(new byte[] {0x00}, fileFrames.get(0), 0, 20)))).isNull();
        assertThat(d.framesDropped()).isEqualTo(bad.length + 1);
        assertThat(d.malformed()).isEqualTo(bad.length);
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[1 + random.nextInt(30)];
            random.nextBytes(junk);
            d.push(rtp(seq++, random.nextInt(4) * 3000L, random.nextBoolean(), junk));
        }
        assertThat(d.malformed()).isGreaterThan(bad.length);
    }

    @Test
    void ffmpegReadsOurPacketsAsTheSameFrames() throws Exception {
        List<EncodedFrame> frames = new ArrayList<>(sourceFrames().subList(0, fileFrames.size()));
        // one more frame after the last: lets a receiver that completes frames at the next one finish
        EncodedFrame last = frames.get(frames.size() - 1);
        frames.add(new EncodedFrame(VideoCodec.VP8, last.data(), false, last.rtpTimestamp() + 3000, 0));
        List<byte[]> datagrams = RtpStreamBuilder.datagrams(frames, new Vp8Packetizer(1200, 32_700), PT, 0x0BADCAFEL, 65_000);
        Path received = dir.resolve("received.ivf");
        try (FfmpegRtpReceiver ffmpeg = FfmpegRtpReceiver.start(dir, VideoCodec.VP8, PT,
                List.of("-c", "copy", "-frames:v", String.valueOf(fileFrames.size()), "-f", "ivf", received.toString()))) {
            ffmpeg.send(datagrams, 300);
            assertThat(ffmpeg.finish(Duration.ofSeconds(15))).as(ffmpeg.log()).isZero();
        }
        List<byte[]> got = Ivf.readFrames(received);
        assertThat(got).as("frames ffmpeg got").hasSize(fileFrames.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).as("frame %d", i).isEqualTo(fileFrames.get(i));
        }
    }
}
