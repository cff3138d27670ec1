package io.ams.rtp.h264;

import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FfmpegCli;
import io.ams.rtp.testing.FfmpegRtpReceiver;
import io.ams.rtp.testing.H264Stream;
import io.ams.rtp.testing.RtpStreamBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** H264Packetizer -> H264Depacketizer round trips, and FFmpeg's RTP demuxer reading our packets. */
class H264RoundTripTest {
    private static final int PT = 96;

    @TempDir
    static Path dir;

    /** Access units of a real OpenH264 stream (AUD, SPS, PPS, IDR / AUD, P slice). */
    static List<List<byte[]>> fileAccessUnits;

    @BeforeAll
    static void encode() throws Exception {
        Path ts = dir.resolve("src.ts");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of(
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "40",
                "-c:v", "libopenh264", "-profile:v", "constrained_baseline", "-g", "20", "-b:v", "1M",
                "-f", "mpegts", ts.toString()));
        Path h264 = dir.resolve("src.h264");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-i", ts.toString(), "-c", "copy", "-f", "h264", h264.toString()));
        fileAccessUnits = H264Stream.accessUnits(Files.readAllBytes(h264));
        assertThat(fileAccessUnits).hasSize(40);
    }

    static byte[] annexB(List<byte[]> nals, boolean fourByteStartCodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            if (fourByteStartCodes) {
                out.write(0);
            }
            out.write(0);
            out.write(0);
            out.write(1);
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    /** An IDR slice NAL of {@code size} random bytes without any 00 00 sequence (so no start code emulation). */
    static byte[] bigIdrSlice(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = 0x65;
        b[1] = (byte) 0x88;
        for (int i = 2; i < size; i++) {
            if (b[i] == 0) {
                b[i] = 0x5A;
            }
        }
        return b;
    }

    static List<EncodedFrame> sourceFrames(boolean fourByteStartCodes) {
        List<EncodedFrame> frames = new ArrayList<>();
        long ts = 4_294_960_000L; // timestamps wrap past 2^32 too
        for (List<byte[]> au : fileAccessUnits) {
            frames.add(new EncodedFrame(VideoCodec.H264, annexB(au, fourByteStartCodes), H264Stream.hasIdr(au), ts & 0xFFFFFFFFL, 0));
            ts += 3000;
        }
        List<byte[]> first = fileAccessUnits.get(0);
        List<byte[]> big = List.of(first.get(1), first.get(2), bigIdrSlice(100_000, 1));
        assertThat(H264Stream.types(big)).containsExactly(7, 8, 5);
        frames.add(new EncodedFrame(VideoCodec.H264, annexB(big, fourByteStartCodes), true, ts & 0xFFFFFFFFL, 0));
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
            for (boolean fourByte : new boolean[] {true, false}) {
                List<EncodedFrame> frames = sourceFrames(fourByte);
                Packetizer packetizer = Packetizer.forCodec(VideoCodec.H264, maxPayload);
                List<byte[]> datagrams = RtpStreamBuilder.datagrams(frames, packetizer, PT, 77, 65_000);

                int stapA = 0;
                int fuA = 0;
                int single = 0;
                for (byte[] dg : datagrams) {
                    assertThat(dg.length - 12).isLessThanOrEqualTo(maxPayload);
                    int type = dg[12] & 0x1F;
                    stapA += type == 24 ? 1 : 0;
                    fuA += type == 28 ? 1 : 0;
                    single += type >= 1 && type <= 23 ? 1 : 0;
                }
                assertThat(stapA).as("STAP-A (AUD + SPS + PPS, AUD + small slice)").isPositive();
                assertThat(fuA).as("FU-A: the 100 kB slice alone needs %d", 100_000 / maxPayload).isGreaterThan(100_000 / maxPayload);
                if (maxPayload == 300) {
                    assertThat(single).isPositive();
                }

                Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
                List<EncodedFrame> got = depacketize(datagrams, d);
                List<EncodedFrame> expected = sourceFrames(true);
                assertThat(got).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(got.get(i).data()).as("frame %d (max %d)", i, maxPayload).isEqualTo(expected.get(i).data());
                    assertThat(got.get(i).keyframe()).isEqualTo(expected.get(i).keyframe());
                    assertThat(got.get(i).rtpTimestamp()).isEqualTo(expected.get(i).rtpTimestamp());
                }
                assertThat(got.get(got.size() - 1).size()).isGreaterThan(100_000);
                assertThat(d.framesDropped()).isZero();
                assertThat(d.malformed()).isZero();
            }
        }
    }

    private static RtpPacket rtp(int seq, long ts, boolean marker, byte... payload) throws RtpFormatException {
        byte[] b = new byte[12 + payload.length];
        RtpHeaderWriter.write(b, 0, marker, PT, seq, ts, 1);
        System.arraycopy(payload, 0, b, 12, payload.length);
        return RtpPacket.parse(b, 0, b.length);
    }

    @Test
    void parameterSetsSentApartArePutInFrontOfTheIdr() throws Exception {
        List<byte[]> first = fileAccessUnits.get(0);
        byte[] sps = first.get(1);
        byte[] pps = first.get(2);
        byte[] idr = first.get(3);
        byte[] p = fileAccessUnits.get(1).get(1);
        Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
        // parameter sets in an access unit of their own: kept, not a frame
        assertThat(d.push(rtp(1, 100, false, sps))).isNull();
        assertThat(d.push(rtp(2, 100, true, pps))).isNull();
        EncodedFrame key = d.push(rtp(3, 3100, true, idr));
        assertThat(key).isNotNull();
        assertThat(key.keyframe()).isTrue();
        assertThat(key.data()).isEqualTo(annexB(List.of(sps, pps, idr), true));
        EncodedFrame delta = d.push(rtp(4, 6100, true, p));
        assertThat(delta.data()).isEqualTo(annexB(List.of(p), true));
        assertThat(delta.keyframe()).isFalse();
        // a later IDR with only its SPS gets the kept PPS, right before the slice
        EncodedFrame key2 = d.push(rtp(5, 9100, true, stapA(sps, idr)));
        assertThat(key2.data()).isEqualTo(annexB(List.of(sps, pps, idr), true));
        assertThat(d.framesCompleted()).isEqualTo(3);
        assertThat(d.framesDropped()).isZero();
    }

    static byte[] stapA(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x78);
        for (byte[] n : nals) {
            out.write(n.length >>> 8);
            out.write(n.length & 0xFF);
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    @Test
    void payloadsOutsidePacketizationMode1AreCountedAsMalformedAndTheirFrameDropped() throws Exception {
        byte[] idr = fileAccessUnits.get(0).get(3);
        byte[] p = fileAccessUnits.get(1).get(1);
        Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
        assertThat(d.push(rtp(1, 0, true, stapA(fileAccessUnits.get(0).get(1), fileAccessUnits.get(0).get(2), idr)))).isNotNull();
        int seq = 2;
        long ts = 3000;
        byte[][] bad = {
            {0x79, 0, 0, 0, 2, 0x41, 0x01},       // STAP-B
            {0x7A, 0, 0, 0, 2, 0, 0, 0x41, 0x01}, // MTAP16
            {0x7B, 0, 0, 0, 2, 0, 0, 0, 0x41},    // MTAP24
            {0x7D, (byte) 0x81, 0, 0, 0x11},      // FU-B
            {0x7E, 1, 2},                          // reserved 30
            {0x00, 1, 2},                          // reserved 0
            {(byte) 0xE1, 1, 2},                   // forbidden bit
            {0x78, 0, 9, 0x41},                    // STAP-A with a size past the end
            {0x7C, (byte) 0x81},                   // FU-A without data
        };
        for (byte[] b : bad) {
            assertThat(d.push(rtp(seq++, ts, true, b))).isNull();
            ts += 3000;
        }
        assertThat(d.malformed()).isEqualTo(bad.length);
        assertThat(d.framesDropped()).isEqualTo(bad.length);
        assertThat(d.needsKeyframe()).isTrue();
        // an FU-A whose end never comes before the marker
        assertThat(d.push(rtp(seq++, ts, true, new byte[] {0x7C, (byte) 0x81, 1, 2, 3}))).isNull();
        assertThat(d.malformed()).isEqualTo(bad.length + 1);
        // a P frame is not enough to recover, a keyframe is
        assertThat(d.push(rtp(seq++, ts += 3000, true, p))).isNull();
        EncodedFrame key = d.push(rtp(seq, ts + 3000, true, idr));
        assertThat(key).isNotNull();
        assertThat(key.keyframe()).isTrue();
        assertThat(d.needsKeyframe()).isFalse();
    }

    @Test
    void framesBeyondTheSizeGuardAreDropped() throws Exception {
        Packetizer packetizer = Packetizer.forCodec(VideoCodec.H264, 1200);
        byte[] huge = annexB(List.of(bigIdrSlice(Depacketizer.MAX_FRAME_BYTES + 10, 2)), true);
        byte[] fine = annexB(List.of(fileAccessUnits.get(0).get(1), fileAccessUnits.get(0).get(2), fileAccessUnits.get(0).get(3)), true);
        List<EncodedFrame> frames = List.of(
                new EncodedFrame(VideoCodec.H264, huge, true, 0, 0),
                new EncodedFrame(VideoCodec.H264, fine, true, 3000, 0));
        Depacketizer d = Depacketizer.forCodec(VideoCodec.H264);
        List<EncodedFrame> got = depacketize(RtpStreamBuilder.datagrams(frames, packetizer, PT, 1, 0), d);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).data()).isEqualTo(fine);
        assertThat(d.framesDropped()).isEqualTo(1);
    }

    @Test
    void ffmpegReadsOurPacketsAsTheSameStream() throws Exception {
        List<EncodedFrame> frames = new ArrayList<>(sourceFrames(true).subList(0, fileAccessUnits.size()));
        // two more access units after the last: ffmpeg's parser completes an access unit when the next one starts
        EncodedFrame last = frames.get(frames.size() - 1);
        frames.add(new EncodedFrame(VideoCodec.H264, last.data(), false, last.rtpTimestamp() + 3000, 0));
        frames.add(new EncodedFrame(VideoCodec.H264, last.data(), false, last.rtpTimestamp() + 6000, 0));
        List<byte[]> datagrams = RtpStreamBuilder.datagrams(frames, new H264Packetizer(1200), PT, 0x1234_5678L, 40_000);
        Path received = dir.resolve("received.h264");
        try (FfmpegRtpReceiver ffmpeg = FfmpegRtpReceiver.start(dir, VideoCodec.H264, PT,
                List.of("-c", "copy", "-frames:v", String.valueOf(fileAccessUnits.size()), "-f", "h264", received.toString()))) {
            ffmpeg.send(datagrams, 300);
            assertThat(ffmpeg.finish(Duration.ofSeconds(15))).as(ffmpeg.log()).isZero();
        }
        List<List<byte[]>> got = H264Stream.accessUnits(Files.readAllBytes(received));
        assertThat(got).as("access units ffmpeg got").hasSize(fileAccessUnits.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(H264Stream.types(got.get(i))).as("access unit %d", i).isEqualTo(H264Stream.types(fileAccessUnits.get(i)));
            for (int n = 0; n < got.get(i).size(); n++) {
                assertThat(got.get(i).get(n)).as("NAL %d of access unit %d", n, i).isEqualTo(fileAccessUnits.get(i).get(n));
            }
        }
        // and it decodes every one of them
        Path md5 = dir.resolve("received.md5");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-i", received.toString(), "-f", "framemd5", md5.toString()));
        long decoded = Files.readAllLines(md5).stream().filter(l -> !l.startsWith("#")).count();
        assertThat(decoded).isEqualTo(fileAccessUnits.size());
    }
}
