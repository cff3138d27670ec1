package io.ams.app.meeting;

import io.ams.rtp.testing.FfmpegCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Fake camera and microphone files for Chromium, made with the ffmpeg executable of the bytedeco jar. */
final class FakeMedia {
    private FakeMedia() {
    }

    /** A solid-colour Y4M (Chromium loops it as the camera). */
    static Path colour(Path dir, String name, String hexRgb, int w, int h, int fps) throws Exception {
        Path out = dir.resolve(name + ".y4m");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-y", "-f", "lavfi", "-i",
                "color=c=0x" + hexRgb + ":s=" + w + "x" + h + ":r=" + fps, "-t", "2", "-pix_fmt", "yuv420p", out.toString()));
        return out;
    }

    /**
     * A solid-colour camera with a patch of random noise in its top-left corner (a quarter of the width and
     * height): the colour is what tests look for, the noise makes the encoder spend bits, so the sender's
     * bandwidth estimate grows and it can afford its larger simulcast layers.
     */
    static Path colourWithNoise(Path dir, String name, String hexRgb, int w, int h, int fps) throws Exception {
        Path out = dir.resolve(name + ".y4m");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-y", "-f", "lavfi", "-i",
                "color=c=0x" + hexRgb + ":s=" + w + "x" + h + ":r=" + fps, "-f", "lavfi", "-i",
                "nullsrc=s=" + (w / 4) + "x" + (h / 4) + ":r=" + fps + ",geq=random(1)*255:128:128", "-filter_complex",
                "[0][1]overlay=0:0,format=yuv420p", "-t", "3", out.toString()));
        return out;
    }

    /**
     * A camera of random noise (three seconds, looped by Chromium): content no encoder can squeeze, so the
     * sender is never application-limited and its bitrate follows its bandwidth estimate.
     */
    static Path noise(Path dir, String name, int w, int h, int fps) throws Exception {
        Path out = dir.resolve(name + ".y4m");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-y", "-f", "lavfi", "-i",
                "nullsrc=s=" + w + "x" + h + ":r=" + fps + ",geq=random(1)*255:128:128", "-t", "3", "-pix_fmt", "yuv420p",
                out.toString()));
        return out;
    }

    /** A WAV microphone: a steady 440 Hz tone at {@code volume} (0 = silence). */
    static Path tone(Path dir, String name, double volume) throws Exception {
        return tone(dir, name, volume, 440);
    }

    /** A WAV microphone: a steady tone of {@code hz} at {@code volume} (0 = silence). */
    static Path tone(Path dir, String name, double volume, int hz) throws Exception {
        Path out = dir.resolve(name + ".wav");
        String src = volume > 0 ? "sine=frequency=" + hz + ":sample_rate=48000" : "anullsrc=r=48000:cl=mono";
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-y", "-f", "lavfi", "-i", src, "-t", "5", "-af",
                "volume=" + volume, "-ac", "1", "-ar", "48000", out.toString()));
        return out;
    }
}
