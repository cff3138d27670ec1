package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.Picture;
import io.ams.rtp.testing.FfmpegCli;

/** {@code ams mix}: files made by the ffmpeg CLI mixed offline; every input in its tile, every frame kept. */
class MixIT {

    @Test
    void mixesFilesIntoTheChosenLayout(@TempDir Path dir) throws Exception {
        String[] colours = {"0xFF0000", "0x00FF00", "0x0000FF"};
        int[] rgb = {0xFF0000, 0x00FF00, 0x0000FF};
        Path[] inputs = new Path[3];
        for (int i = 0; i < 3; i++) {
            inputs[i] = dir.resolve("in" + i + ".webm");
            FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-f", "lavfi", "-i",
                    "color=c=" + colours[i] + ":s=320x240:r=15", "-frames:v", "30", "-c:v", "libvpx",
                    "-b:v", "300k", inputs[i].toString()));
        }
        Path out = dir.resolve("mix.mkv");
        Cli.Result r = Cli.run("mix", "-o", out.toString(), "--layout", "speaker", "--size", "640x360", "--fps", "15",
                "--codec", "h264", inputs[0].toString(), inputs[1].toString(), inputs[2].toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("mixed 3 inputs: 30 frames");

        Picture last = null;
        int frames = 0;
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            VideoFrame f;
            while ((f = reader.next()) != null) {
                try {
                    last = Picture.of(f);
                    frames++;
                } finally {
                    f.release();
                }
            }
        }
        assertThat(frames).isEqualTo(30);
        List<String> ids = List.of("in0", "in1", "in2");
        for (Tile t : Layouts.compute(LayoutSpec.of(LayoutKind.SPEAKER), ids, "in0", 640, 360)) {
            Rect c = t.rect();
            int i = ids.indexOf(t.participantId());
            if (t.z() == 0) {
                // the main speaker's picture, above the thumbnails
                assertThat(last.rgbError(c.x() + c.width() / 2 - 20, c.y() + c.height() / 4, 40, 20, rgb[i]))
                        .as("main speaker colour").isLessThan(40);
            } else {
                assertThat(last.rgbError(c.x() + c.width() / 2 - 4, c.y() + c.height() / 2 - 4, 8, 8, rgb[i]))
                        .as("thumbnail colour of " + t.participantId()).isLessThan(40);
            }
        }
    }
}
