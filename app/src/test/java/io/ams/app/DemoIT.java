package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.Picture;

/**
 * {@code ams demo} as a newcomer runs it: synthetic participants through a real engine, and a
 * playable recording in which each participant's colour fills its grid tile.
 */
class DemoIT {

    @Test
    void demoRecordsAPlayableMixWithEveryParticipantInItsTile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo.webm");
        Cli.Result r = Cli.run("demo", "-n", "3", "--seconds", "6", "--size", "640x360", "--fps", "30",
                "--grpc-port", "0", "--live-port", "0", "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("recording: " + out).contains("wrote " + out);
        assertThat(Files.size(out)).isGreaterThan(10_000);

        List<Picture> pictures = new ArrayList<>();
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            assertThat(reader.width()).isEqualTo(640);
            assertThat(reader.height()).isEqualTo(360);
            VideoFrame f;
            while ((f = reader.next()) != null) {
                try {
                    pictures.add(Picture.of(f));
                } finally {
                    f.release();
                }
            }
        }
        // about 6 s at 30 fps (the recording starts at the first keyframe)
        assertThat(pictures.size()).isBetween(120, 200);
        Picture last = pictures.get(pictures.size() - 1);
        List<String> ids = List.of("alice", "bob", "carol");
        int[] colours = {DemoCommand.COLOURS[0], DemoCommand.COLOURS[1], DemoCommand.COLOURS[2]};
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids, "alice", 640, 360);
        for (Tile t : tiles) {
            int colour = colours[ids.indexOf(t.participantId())];
            assertThat(fractionNear(last, t.rect(), colour, 45)).as("share of %s's tile in its colour", t.participantId())
                    .isGreaterThan(0.6);
        }
    }

    /** Share of pixels of the inner 60% of a tile's picture within {@code tolerance} of a colour. */
    static double fractionNear(Picture p, Rect tile, int rgb, int tolerance) {
        // the 640x360 pattern letterboxed into the tile keeps the tile's centre region
        int x0 = tile.x() + tile.width() / 5;
        int y0 = tile.y() + tile.height() / 5;
        int w = tile.width() * 3 / 5;
        int h = tile.height() * 3 / 5;
        int near = 0;
        int total = 0;
        for (int y = y0; y < y0 + h; y += 2) {
            for (int x = x0; x < x0 + w; x += 2) {
                total++;
                if (p.rgbError(x, y, 2, 2, rgb) < tolerance) {
                    near++;
                }
            }
        }
        return (double) near / total;
    }
}
