package io.ams.engine.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.engine.EngineException;
import io.ams.engine.media.VideoFrame;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A document page as the sidecar sends it (PNG) becomes a frame the compositor draws: colours where the
 * picture had them, and as a room's content tile it takes the SPEAKER layout's main region, letterboxed.
 */
class StillPictureTest {
    private final List<VideoFrame> owned = new ArrayList<>();

    private final long framesBefore = io.ams.engine.media.NativeResources.outstandingFrames();

    @AfterEach
    void releaseAndCheckLeaks() {
        owned.forEach(VideoFrame::release);
        assertThat(io.ams.engine.media.NativeResources.outstandingFrames()).as("native frames leaked").isEqualTo(framesBefore);
    }

    private VideoFrame own(VideoFrame f) {
        owned.add(f);
        return f;
    }

    /** 800x600: left half red, right half blue (a 4:3 page). */
    static byte[] redBluePage() throws IOException {
        BufferedImage img = new BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 400, 600);
        g.setColor(Color.BLUE);
        g.fillRect(400, 0, 400, 600);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void aPngBecomesAFrameWithItsColours() throws IOException {
        VideoFrame f = own(StillPicture.decode(redBluePage()));
        assertThat(f.width()).isEqualTo(800);
        assertThat(f.height()).isEqualTo(600);
        assertThat(TestFrames.near(f, 200, 300, 0xFF0000, 6)).as(TestFrames.describe(f, 200, 300)).isTrue();
        assertThat(TestFrames.near(f, 600, 300, 0x0000FF, 6)).as(TestFrames.describe(f, 600, 300)).isTrue();
    }

    @Test
    void theContentTileTakesTheSpeakerLayoutsMainRegionLetterboxed() throws IOException {
        Map<String, VideoFrame> frames = new LinkedHashMap<>();
        frames.put(Layouts.CONTENT_ID, own(StillPicture.decode(redBluePage())));
        frames.put("alice", own(TestFrames.solid(640, 360, 0x00FF00)));
        frames.put("bob", own(TestFrames.solid(640, 360, 0xFFFF00)));
        LayoutSpec spec = new LayoutSpec(LayoutKind.SPEAKER, null, Fit.CROP, false, 0x204060);
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), Layouts.CONTENT_ID, 1280, 720);
        Tile main = tiles.stream().filter(t -> t.participantId().equals(Layouts.CONTENT_ID)).findFirst().orElseThrow();
        for (Tile t : tiles) {
            assertThat(main.rect().width() * main.rect().height()).as("largest region")
                    .isGreaterThanOrEqualTo(t.rect().width() * t.rect().height());
        }
        VideoFrame canvas = own(VideoFrame.allocateYuv420(1280, 720));
        try (CpuCompositor c = new CpuCompositor()) {
            c.composite(canvas, tiles, frames, Map.of(Layouts.CONTENT_ID, "slides.pdf 1/3"), spec);
        }
        Rect r = main.rect();
        int picture = r.height() * 4 / 3; // a 4:3 page in a wider region: bars left and right even with CROP asked
        int left = r.x() + (r.width() - picture) / 2;
        int cy = r.y() + r.height() / 3;
        assertThat(TestFrames.near(canvas, left + picture / 4, cy, 0xFF0000, 14)).as(TestFrames.describe(canvas, left + picture / 4, cy)).isTrue();
        assertThat(TestFrames.near(canvas, left + picture * 3 / 4, cy, 0x0000FF, 14)).as(TestFrames.describe(canvas, left + picture * 3 / 4, cy)).isTrue();
        if (left - r.x() > 8) {
            assertThat(TestFrames.near(canvas, r.x() + 3, cy, 0x204060, 6)).as("background bar " + TestFrames.describe(canvas, r.x() + 3, cy)).isTrue();
        }
    }

    @Test
    void whatIsNotAPictureOfASaneSizeIsRefused() throws IOException {
        assertThatThrownBy(() -> StillPicture.decode("%PDF-1.7 not a picture".getBytes()))
                .isInstanceOf(EngineException.class).hasMessageContaining("not a PNG or JPEG");
        BufferedImage huge = new BufferedImage(5000, 2, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(huge, "png", out);
        assertThatThrownBy(() -> StillPicture.decode(out.toByteArray()))
                .isInstanceOf(EngineException.class).hasMessageContaining("5000x2");
        assertThatThrownBy(() -> StillPicture.decode(new byte[StillPicture.MAX_BYTES + 1]))
                .isInstanceOf(EngineException.class).hasMessageContaining("at most");
    }
}
