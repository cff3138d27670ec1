package io.ams.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaFileTest {
    private static final YuvColor[] COLORS = {YuvColor.RED, YuvColor.GREEN, YuvColor.BLUE};

    @TempDir
    Path dir;

    /** 60 frames, 20 each of red, green, blue, encoded at 30 fps. */
    private static List<EncodedFrame> encodeSixty(VideoCodec codec, int width, int height) {
        List<EncodedFrame> out = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, width, height, 30, 800, 1000))) {
            for (int i = 0; i < 60; i++) {
                try (VideoFrame picture = YuvColor.solid(width, height, COLORS[i / 20])) {
                    out.addAll(encoder.encode(picture, i, false));
                }
            }
        }
        assertThat(out).hasSize(60);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"VP8, out.webm", "H264, out.mkv", "VP8, out.mkv", "H264, out.mp4", "VP8, out.ivf"})
    void writtenFileReadsBackWithEveryFrameAndColour(VideoCodec codec, String name) throws Exception {
        Path file = dir.resolve(name);
        try (MediaFileWriter writer = MediaFileWriter.open(file, codec, 320, 240, 30)) {
            encodeSixty(codec, 320, 240).forEach(writer::write);
            assertThat(writer.framesWritten()).isEqualTo(60);
            assertThat(writer.framesDropped()).isZero();
        }
        assertThat(Files.size(file)).isPositive();

        try (MediaFileReader reader = MediaFileReader.open(file)) {
            assertThat(reader.width()).isEqualTo(320);
            assertThat(reader.height()).isEqualTo(240);
            assertThat(reader.fps()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.5));
            int n = 0;
            VideoFrame next;
            while ((next = reader.next()) != null) {
                try (VideoFrame f = next) {
                    assertThat(f.width()).isEqualTo(320);
                    assertThat(f.height()).isEqualTo(240);
                    YuvColor want = COLORS[n / 20];
                    int tolerance = n % 20 < 3 ? 12 : 4;
                    assertThat(YuvColor.centre(f).near(want, tolerance))
                            .as("frame %d: got %s, want %s", n, YuvColor.centre(f), want).isTrue();
                }
                n++;
            }
            assertThat(n).isEqualTo(60);
            assertThat(reader.framesRead()).isEqualTo(60);
            assertThat(reader.next()).isNull();
        }

        FfmpegTool.Result check = FfmpegTool.run(60, "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).as("ffmpeg reported errors").isBlank();

        FfmpegTool.Result count = FfmpegTool.run(60, "-i", file.toString(), "-map", "0:v", "-c", "copy", "-f", "null", "-");
        assertThat(count.output()).containsPattern("frame=\\s*60 ");
    }

    @Test
    void framesBeforeTheFirstKeyframeAreDroppedAndTimestampsStartAtZero() throws Exception {
        List<EncodedFrame> frames = encodeSixty(VideoCodec.VP8, 320, 240);
        Path file = dir.resolve("late.webm");
        MediaFileWriter writer = MediaFileWriter.open(file, VideoCodec.VP8, 320, 240, 30);
        // a stream joined mid-way: two inter frames, then a keyframe made by a fresh encoder
        writer.write(frames.get(1));
        writer.write(frames.get(2));
        List<EncodedFrame> restart = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 320, 240, 30, 800, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, YuvColor.WHITE)) {
            for (int i = 0; i < 10; i++) {
                EncodedFrame f = encoder.encode(picture, 1000 + i, false).get(0);
                restart.add(f);
            }
        }
        restart.forEach(writer::write);
        writer.write(restart.get(9)); // a repeated timestamp is dropped, not written
        writer.close();
        writer.close(); // idempotent (a shutdown hook may close it again)
        writer.write(restart.get(0)); // after close: dropped

        assertThat(writer.framesWritten()).isEqualTo(10);
        assertThat(writer.framesDropped()).isEqualTo(4);

        try (MediaFileReader reader = MediaFileReader.open(file)) {
            int n = 0;
            VideoFrame next;
            while ((next = reader.next()) != null) {
                try (VideoFrame f = next) {
                    assertThat(YuvColor.centre(f).near(YuvColor.WHITE, 4)).isTrue();
                }
                n++;
            }
            assertThat(n).isEqualTo(10);
        }
        FfmpegTool.Result probe = FfmpegTool.run(60, "-i", file.toString(), "-vf", "showinfo", "-f", "null", "-");
        assertThat(probe.output()).contains("pts_time:0 ").doesNotContain("pts_time:33");
    }

    /** The engine's shutdown hook closes a recording while the media thread is still writing. */
    @Test
    void closeFromAnotherThreadWhileWritingLeavesAPlayableFile() throws Exception {
        List<EncodedFrame> frames = encodeSixty(VideoCodec.H264, 320, 240);
        Path file = dir.resolve("interrupted.mkv");
        MediaFileWriter writer = MediaFileWriter.open(file, VideoCodec.H264, 320, 240, 30);
        java.util.concurrent.CountDownLatch someWritten = new java.util.concurrent.CountDownLatch(1);
        Thread media = new Thread(() -> {
            for (int round = 0; round < 1000; round++) {
                for (int i = 0; i < 60; i++) {
                    EncodedFrame f = frames.get(i);
                    long ts = (f.rtpTimestamp() + round * 60L * 3000) & 0xFFFF_FFFFL;
                    writer.write(new EncodedFrame(f.codec(), f.data(), f.keyframe(), ts, 0));
                    if (round == 0 && i == 30) {
                        someWritten.countDown();
                    }
                }
            }
        });
        media.start();
        someWritten.await();
        writer.close(); // as a shutdown hook would
        media.join();
        assertThat(writer.framesWritten()).isGreaterThanOrEqualTo(31);

        FfmpegTool.Result check = FfmpegTool.run(60, "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).isBlank();
        try (MediaFileReader reader = MediaFileReader.open(file)) {
            long n = 0;
            VideoFrame f;
            while ((f = reader.next()) != null) {
                f.release();
                n++;
            }
            assertThat(n).isEqualTo(writer.framesWritten());
        }
    }

    @Test
    void h264Mp4AtHdSizePlaysInFfmpeg() throws Exception {
        Path file = dir.resolve("hd.mp4");
        try (MediaFileWriter writer = MediaFileWriter.open(file, VideoCodec.H264, 1280, 720, 30)) {
            encodeSixty(VideoCodec.H264, 1280, 720).forEach(writer::write);
        }
        FfmpegTool.Result check = FfmpegTool.run(60, "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(check.exitCode()).as(check.output()).isZero();
        try (MediaFileReader reader = MediaFileReader.open(file)) {
            assertThat(reader.width()).isEqualTo(1280);
            assertThat(reader.height()).isEqualTo(720);
        }
    }

    @Test
    void containerMustFitTheCodec() {
        assertThatThrownBy(() -> MediaFileWriter.open(dir.resolve("x.webm"), VideoCodec.H264, 320, 240, 30))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".mp4");
        assertThatThrownBy(() -> MediaFileWriter.open(dir.resolve("x.mp4"), VideoCodec.VP8, 320, 240, 30))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaFileWriter.open(dir.resolve("x.avi"), VideoCodec.VP8, 320, 240, 30))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreadableFileThrowsNamingTheCall() throws Exception {
        Path junk = dir.resolve("junk.webm");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> MediaFileReader.open(junk))
                .isInstanceOf(FFmpegException.class).hasMessageContaining("avformat_");
        assertThatThrownBy(() -> MediaFileReader.open(dir.resolve("missing.mkv")))
                .isInstanceOf(FFmpegException.class).hasMessageContaining("avformat_open_input");
    }

    @Test
    void readsAFileMadeByTheFfmpegExecutable() throws Exception {
        Path file = dir.resolve("testsrc.mkv");
        FfmpegTool.Result made = FfmpegTool.run(60, "-v", "error", "-f", "lavfi", "-i",
                "color=c=0x0000ff:s=176x144:r=25:d=1", "-c:v", "libvpx", "-pix_fmt", "yuv420p", file.toString());
        assertThat(made.exitCode()).as(made.output()).isZero();
        try (MediaFileReader reader = MediaFileReader.open(file)) {
            assertThat(reader.width()).isEqualTo(176);
            assertThat(reader.fps()).isCloseTo(25.0, org.assertj.core.data.Offset.offset(0.01));
            int n = 0;
            VideoFrame next;
            while ((next = reader.next()) != null) {
                try (VideoFrame f = next) {
                    // pure blue, BT.601 limited range: Y 41, U 240, V 110
                    assertThat(YuvColor.centre(f).near(YuvColor.BLUE, 6)).as("%s", YuvColor.centre(f)).isTrue();
                }
                n++;
            }
            assertThat(n).isEqualTo(25);
        }
    }
}
