package io.ams.engine.compose;

import static io.ams.engine.compose.TestFrames.near;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

class CpuCompositorTest {
    static final int RED = 0xFF0000;
    static final int GREEN = 0x00FF00;
    static final int BLUE = 0x0000FF;
    static final int YELLOW = 0xFFFF00;
    static final int BACKGROUND = 0x204060;
    static final int TOL = 12;

    private final List<VideoFrame> owned = new ArrayList<>();
    private long framesBefore;
    private CpuCompositor compositor;
    private VideoFrame canvas;

    @BeforeEach
    void setUp() {
        framesBefore = NativeResources.outstandingFrames();
        compositor = new CpuCompositor();
        canvas = own(VideoFrame.allocateYuv420(1280, 720));
    }

    @AfterEach
    void releaseAndCheckLeaks() {
        compositor.close();
        owned.forEach(VideoFrame::release);
        owned.clear();
        assertThat(NativeResources.outstandingFrames()).isEqualTo(framesBefore);
    }

    private VideoFrame own(VideoFrame f) {
        owned.add(f);
        return f;
    }

    private static LayoutSpec spec(LayoutKind kind, Fit fit, boolean highlight) {
        return new LayoutSpec(kind, null, fit, highlight, BACKGROUND);
    }

    /** Four participants: red 1280x720, green 640x480, blue 320x240, yellow 322x182. */
    private Map<String, VideoFrame> fourColours() {
        Map<String, VideoFrame> frames = new LinkedHashMap<>();
        frames.put("red", own(TestFrames.solid(1280, 720, RED)));
        frames.put("green", own(TestFrames.solid(640, 480, GREEN)));
        frames.put("blue", own(TestFrames.solid(320, 240, BLUE)));
        frames.put("yellow", own(TestFrames.solid(322, 182, YELLOW)));
        return frames;
    }

    private static final Map<String, Integer> COLOUR = Map.of("red", RED, "green", GREEN, "blue", BLUE, "yellow", YELLOW);

    @Test
    void gridOfFourShowsEachColourInItsTile() {
        Map<String, VideoFrame> frames = fourColours();
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.LETTERBOX, false);
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), null, 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of(), spec);
        for (Tile t : tiles) {
            Rect r = t.rect();
            int cx = r.x() + r.width() / 2;
            int cy = r.y() + r.height() / 2;
            for (int dy = -40; dy <= 40; dy += 10) {
                for (int dx = -60; dx <= 60; dx += 10) {
                    assertThat(near(canvas, cx + dx, cy + dy, COLOUR.get(t.participantId()), TOL))
                            .as(t + " " + TestFrames.describe(canvas, cx + dx, cy + dy)).isTrue();
                }
            }
        }
        assertThat(compositor.tileErrors()).isZero();
        // the gap between tiles and the canvas corners keep the background
        assertThat(near(canvas, 0, 0, BACKGROUND, 2)).as(TestFrames.describe(canvas, 0, 0)).isTrue();
        assertThat(near(canvas, 640, 100, BACKGROUND, 2)).as(TestFrames.describe(canvas, 640, 100)).isTrue();
        assertThat(near(canvas, 1279, 719, BACKGROUND, 2)).isTrue();
    }

    @Test
    void letterboxKeepsAspectWithBackgroundBarsAndCropLeavesNone() {
        Map<String, VideoFrame> frames = fourColours();
        List<String> ids = new ArrayList<>(frames.keySet());
        LayoutSpec letterbox = spec(LayoutKind.GRID, Fit.LETTERBOX, false);
        List<Tile> tiles = Layouts.compute(letterbox, ids, null, 1280, 720);
        Tile green = tiles.get(1); // 4:3 source in a ~16:9 tile: bars left and right
        Rect r = green.rect();
        int cy = r.y() + r.height() / 2;
        compositor.composite(canvas, tiles, frames, Map.of(), letterbox);
        int picture = r.height() * 4 / 3;
        int bar = (r.width() - picture) / 2;
        assertThat(bar).isGreaterThan(50);
        for (int x : new int[] {r.x() + 2, r.x() + bar - 4, r.x() + r.width() - bar + 4, r.x() + r.width() - 2}) {
            assertThat(near(canvas, x, cy, BACKGROUND, 2)).as("bar " + TestFrames.describe(canvas, x, cy)).isTrue();
        }
        for (int x : new int[] {r.x() + bar + 4, r.x() + r.width() - bar - 4}) {
            assertThat(near(canvas, x, cy, GREEN, TOL)).as("picture " + TestFrames.describe(canvas, x, cy)).isTrue();
        }
        // the 1280x720 red source fills its 16:9 tile up to the edges (no bars to speak of)
        Rect red = tiles.get(0).rect();
        assertThat(near(canvas, red.x() + 4, red.y() + red.height() / 2, RED, TOL)).isTrue();

        LayoutSpec crop = spec(LayoutKind.GRID, Fit.CROP, false);
        compositor.composite(canvas, tiles, frames, Map.of(), crop);
        for (Tile t : tiles) {
            Rect q = t.rect();
            int colour = COLOUR.get(t.participantId());
            int[][] probes = {{q.x(), q.y()}, {q.x() + q.width() - 1, q.y()}, {q.x(), q.y() + q.height() / 2},
                {q.x() + q.width() - 1, q.y() + q.height() - 1}, {q.x() + q.width() / 2, q.y() + q.height() - 1},
                {q.x() + q.width() / 2, q.y()}};
            for (int[] p : probes) {
                assertThat(near(canvas, p[0], p[1], colour, TOL))
                        .as("crop " + t + " " + TestFrames.describe(canvas, p[0], p[1])).isTrue();
            }
        }
    }

    @Test
    void cropCutsTheOverflowSymmetrically() {
        // left half red, right half blue, 4:3; cropped into a 16:9 tile: the middle stays the middle
        VideoFrame src = own(TestFrames.solid(640, 480, RED));
        AVFrame a = src.avFrame();
        int[] blue = Yuv.fromRgb(BLUE);
        for (int y = 0; y < 480; y++) {
            Pointer.memset(a.data(0).getPointer((long) y * a.linesize(0) + 320), blue[0], 320);
        }
        for (int y = 0; y < 240; y++) {
            Pointer.memset(a.data(1).getPointer((long) y * a.linesize(1) + 160), blue[1], 160);
            Pointer.memset(a.data(2).getPointer((long) y * a.linesize(2) + 160), blue[2], 160);
        }
        Tile t = new Tile("a", new Rect(0, 0, 1280, 360), 0, false);
        compositor.composite(canvas, List.of(t), Map.of("a", src), Map.of(), spec(LayoutKind.CUSTOM, Fit.CROP, false));
        assertThat(near(canvas, 630, 100, RED, TOL)).as(TestFrames.describe(canvas, 630, 100)).isTrue();
        assertThat(near(canvas, 650, 100, BLUE, TOL)).as(TestFrames.describe(canvas, 650, 100)).isTrue();
        assertThat(near(canvas, 2, 100, RED, TOL)).isTrue();
        assertThat(near(canvas, 1277, 100, BLUE, TOL)).isTrue();
    }

    @Test
    void highlightBorderOnlyOnMainSpeaker() {
        Map<String, VideoFrame> frames = fourColours();
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.CROP, true);
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), "blue", 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of(), spec);
        int border = CpuCompositor.borderWidth(720);
        assertThat(border).isEqualTo(4);
        for (Tile t : tiles) {
            Rect r = t.rect();
            int expected = t.highlighted() ? CpuCompositor.HIGHLIGHT_RGB : COLOUR.get(t.participantId());
            int[][] edges = {{r.x() + r.width() / 2, r.y()}, {r.x() + r.width() / 2, r.y() + border - 1},
                {r.x() + 1, r.y() + r.height() / 2}, {r.x() + r.width() - 2, r.y() + r.height() / 2},
                {r.x() + r.width() / 2, r.y() + r.height() - 1}};
            for (int[] p : edges) {
                assertThat(near(canvas, p[0], p[1], expected, TOL))
                        .as(t + " edge " + TestFrames.describe(canvas, p[0], p[1])).isTrue();
            }
            // just inside the border: the picture again
            int ix = r.x() + r.width() / 2;
            int iy = r.y() + border + 2;
            assertThat(near(canvas, ix, iy, COLOUR.get(t.participantId()), TOL))
                    .as(t + " inside " + TestFrames.describe(canvas, ix, iy)).isTrue();
        }
        assertThat(tiles.stream().filter(Tile::highlighted).map(Tile::participantId)).containsExactly("blue");
        // 1080p: thicker border
        assertThat(CpuCompositor.borderWidth(1080)).isEqualTo(6);
    }

    @Test
    void participantWithoutVideoGetsPlaceholderWithName() {
        Map<String, VideoFrame> frames = fourColours();
        frames.remove("yellow");
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.LETTERBOX, false);
        List<Tile> tiles = Layouts.compute(spec, List.of("red", "green", "blue", "yellow"), null, 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of("yellow", "Yolanda"), spec);
        Rect r = tiles.get(3).rect();
        int[] bg = Yuv.fromRgb(BACKGROUND);
        int placeholderY = Yuv.fromRgb(CpuCompositor.placeholderRgb(bg))[0];
        int grey = 0;
        int text = 0;
        int background = 0;
        for (int y = r.y(); y < r.y() + r.height(); y++) {
            for (int x = r.x(); x < r.x() + r.width(); x++) {
                int luma = TestFrames.y(canvas, x, y);
                if (Math.abs(luma - placeholderY) <= 2) {
                    grey++;
                }
                if (luma > 200) {
                    text++;
                }
                if (near(canvas, x, y, BACKGROUND, 2)) {
                    background++;
                }
            }
        }
        assertThat(placeholderY).isNotCloseTo(bg[0], org.assertj.core.data.Offset.offset(20));
        assertThat(grey).as("placeholder grey").isGreaterThan(r.area() * 3 / 4);
        assertThat(text).as("bright name pixels").isGreaterThan(300);
        assertThat(background).as("background inside placeholder").isZero();
        // the name sits in the middle band of the tile
        int midRowBright = 0;
        for (int x = r.x(); x < r.x() + r.width(); x++) {
            if (TestFrames.y(canvas, x, r.y() + r.height() / 2) > 200) {
                midRowBright++;
            }
        }
        assertThat(midRowBright).isGreaterThan(5);
        assertThat(compositor.tileErrors()).isZero();
    }

    @Test
    void aCameraTurnedOffInTheFrameStoreIsThePlaceholderUntilItIsOnAgain() {
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.LETTERBOX, false);
        List<String> ids = List.of("red", "green", "blue", "yellow");
        List<Tile> tiles = Layouts.compute(spec, ids, null, 1280, 720);
        Rect r = tiles.get(3).rect();
        int cx = r.x() + r.width() / 2;
        int cy = r.y() + r.height() / 4; // above the name
        int placeholderRgb = CpuCompositor.placeholderRgb(Yuv.fromRgb(BACKGROUND));
        try (io.ams.engine.room.FrameStore store = new io.ams.engine.room.FrameStore()) {
            fourColours().forEach((id, f) -> store.publish(id, f.retain()));
            store.setMuted("yellow", true);                       // camera off: the last frame is dropped
            store.publish("yellow", TestFrames.solid(320, 240, YELLOW)); // frames while off are ignored
            assertThat(store.muted("yellow")).isTrue();
            try (io.ams.engine.room.FrameStore.Snapshot snap = store.snapshot(ids)) {
                assertThat(snap.frames()).doesNotContainKey("yellow");
                compositor.composite(canvas, tiles, snap.frames(), Map.of("yellow", "Yolanda"), spec);
            }
            assertThat(near(canvas, cx, cy, placeholderRgb, TOL)).as("placeholder " + TestFrames.describe(canvas, cx, cy)).isTrue();
            assertThat(near(canvas, cx, cy, YELLOW, TOL)).isFalse();
            store.setMuted("yellow", false);                      // camera on: its next frame shows
            store.publish("yellow", TestFrames.solid(320, 240, YELLOW));
            try (io.ams.engine.room.FrameStore.Snapshot snap = store.snapshot(ids)) {
                compositor.composite(canvas, tiles, snap.frames(), Map.of("yellow", "Yolanda"), spec);
            }
            assertThat(near(canvas, cx, cy, YELLOW, TOL)).as("yellow " + TestFrames.describe(canvas, cx, cy)).isTrue();
            store.setMuted("yellow", true);
            store.remove("yellow");                               // leaving forgets the camera-off state too
            assertThat(store.muted("yellow")).isFalse();
        }
    }

    @Test
    void placeholderStandsOutFromAnyBackground() {
        assertThat(CpuCompositor.placeholderRgb(Yuv.fromRgb(0x000000))).isEqualTo(CpuCompositor.PLACEHOLDER_RGB);
        for (int rgb : new int[] {0x000000, 0x3C3C3C, BACKGROUND, 0x808080, 0xFFFFFF}) {
            int[] bg = Yuv.fromRgb(rgb);
            assertThat(Math.abs(Yuv.fromRgb(CpuCompositor.placeholderRgb(bg))[0] - bg[0])).isGreaterThanOrEqualTo(24);
        }
    }

    @Test
    void videoTileGetsSmallNameLabelBottomLeft() {
        VideoFrame red = own(TestFrames.solid(1280, 720, RED));
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.CROP, false);
        List<Tile> tiles = Layouts.compute(spec, List.of("a"), null, 1280, 720);
        compositor.composite(canvas, tiles, Map.of("a", red), Map.of("a", "Alice Example"), spec);
        Rect r = tiles.get(0).rect();
        int bright = 0;
        int dark = 0;
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = 0;
        for (int y = r.y(); y < r.y() + r.height(); y++) {
            for (int x = r.x(); x < r.x() + r.width(); x++) {
                if (!near(canvas, x, y, RED, TOL)) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    int luma = TestFrames.y(canvas, x, y);
                    if (luma > 200) {
                        bright++;
                    } else if (luma < 60) {
                        dark++;
                    }
                }
            }
        }
        assertThat(bright).as("white text").isGreaterThan(100);
        assertThat(dark).as("dark box").isGreaterThan(500);
        assertThat(minY).as("bottom").isGreaterThan(r.y() + r.height() * 3 / 4);
        assertThat(maxX).as("left").isLessThan(r.x() + r.width() / 2);
        assertThat(minX).isLessThan(r.x() + 40);
    }

    @Test
    void speakerLayoutShowsThumbnailsOverTheMain() {
        Map<String, VideoFrame> frames = fourColours();
        LayoutSpec spec = spec(LayoutKind.SPEAKER, Fit.LETTERBOX, true);
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), "red", 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of(), spec);
        assertThat(near(canvas, 640, 200, RED, TOL)).isTrue();
        assertThat(near(canvas, 1, 1, CpuCompositor.HIGHLIGHT_RGB, TOL)).isTrue();
        for (Tile t : tiles.subList(1, tiles.size())) {
            Rect r = t.rect();
            int cx = r.x() + r.width() / 2;
            int cy = r.y() + r.height() / 2;
            assertThat(near(canvas, cx, cy - 20, COLOUR.get(t.participantId()), TOL))
                    .as(t + " " + TestFrames.describe(canvas, cx, cy - 20)).isTrue();
            // the main picture right next to the thumbnail is untouched (swscale overrun repaired)
            for (int dx = 0; dx < 16; dx++) {
                int x = r.x() + r.width() + dx;
                if (tiles.stream().noneMatch(o -> o.z() == 1 && o.rect().contains(new Rect(x, cy, 1, 1)))) {
                    assertThat(near(canvas, x, cy, RED, TOL)).as("right of " + t + " " + TestFrames.describe(canvas, x, cy)).isTrue();
                }
            }
        }
    }

    @Test
    void scalerOverrunNeverLeaksOutOfTheTile() {
        // 1280 wide: no row padding, so the overrun of the right-most tile wraps onto the next row
        Map<String, VideoFrame> frames = fourColours();
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.CROP, false);
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), null, 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of(), spec);
        for (int y = 0; y < 720; y++) {
            for (int x = 0; x < 1280; x++) {
                int fx = x;
                int fy = y;
                boolean inTile = tiles.stream().anyMatch(t -> t.rect().contains(new Rect(fx, fy, 1, 1)));
                if (!inTile) {
                    assertThat(near(canvas, x, y, BACKGROUND, 1)).as("gap " + TestFrames.describe(canvas, x, y)).isTrue();
                }
            }
        }
    }

    @Test
    void checkerboardDownscaledFourTimesComesOutEvenGrey() {
        VideoFrame board = own(TestFrames.checkerboard(1280, 720));
        Tile t = new Tile("c", new Rect(100, 100, 320, 180), 0, false);
        compositor.composite(canvas, List.of(t), Map.of("c", board), Map.of(), spec(LayoutKind.CUSTOM, Fit.LETTERBOX, false));
        int min = 255;
        int max = 0;
        for (int y = 104; y < 230; y++) { // above the name label
            for (int x = 104; x < 416; x++) {
                int luma = TestFrames.y(canvas, x, y);
                min = Math.min(min, luma);
                max = Math.max(max, luma);
            }
        }
        int mid = (16 + 235) / 2;
        assertThat(min).isGreaterThanOrEqualTo(mid - TOL);
        assertThat(max).isLessThanOrEqualTo(mid + TOL);
    }

    @Test
    void otherSourcePixelFormatsWork() {
        VideoFrame nv12 = own(VideoFrame.allocate(330, 250, avutil.AV_PIX_FMT_NV12));
        int[] green = Yuv.fromRgb(GREEN);
        AVFrame n = nv12.avFrame();
        Pointer.memset(n.data(0), green[0], (long) n.linesize(0) * 250);
        byte[] uv = new byte[n.linesize(1)];
        for (int i = 0; i + 1 < uv.length; i += 2) {
            uv[i] = (byte) green[1];
            uv[i + 1] = (byte) green[2];
        }
        for (int y = 0; y < 125; y++) {
            n.data(1).position((long) y * n.linesize(1)).put(uv);
        }
        n.data(1).position(0);
        VideoFrame rgb = own(VideoFrame.allocate(200, 300, avutil.AV_PIX_FMT_RGB24));
        AVFrame r = rgb.avFrame();
        byte[] row = new byte[r.linesize(0)];
        for (int i = 0; i + 2 < 600; i += 3) {
            row[i] = (byte) 0xFF; // red
        }
        for (int y = 0; y < 300; y++) {
            r.data(0).position((long) y * r.linesize(0)).put(row);
        }
        r.data(0).position(0);
        for (Fit fit : Fit.values()) {
            LayoutSpec spec = spec(LayoutKind.GRID, fit, false);
            List<Tile> tiles = Layouts.compute(spec, List.of("n", "r"), null, 1280, 720);
            compositor.composite(canvas, tiles, Map.of("n", nv12, "r", rgb), Map.of(), spec);
            for (Tile t : tiles) {
                int cx = t.rect().x() + t.rect().width() / 2;
                int cy = t.rect().y() + t.rect().height() / 2;
                int colour = t.participantId().equals("n") ? GREEN : RED;
                assertThat(near(canvas, cx, cy, colour, TOL)).as(fit + " " + t + " " + TestFrames.describe(canvas, cx, cy)).isTrue();
            }
        }
        assertThat(compositor.tileErrors()).isZero();
    }

    @Test
    void brokenFrameIsDrawnAsPlaceholderAndCountedNotThrown() {
        AVFrame empty = avutil.av_frame_alloc();
        empty.width(64);
        empty.height(64);
        empty.format(avutil.AV_PIX_FMT_YUV420P); // no buffers
        VideoFrame broken = own(VideoFrame.moveFrom(empty, 0));
        avutil.av_frame_free(empty);
        LayoutSpec spec = spec(LayoutKind.GRID, Fit.LETTERBOX, false);
        List<Tile> tiles = Layouts.compute(spec, List.of("b"), null, 1280, 720);
        compositor.composite(canvas, tiles, Map.of("b", broken), Map.of("b", "Bob"), spec);
        assertThat(compositor.tileErrors()).isEqualTo(1);
        assertThat(near(canvas, 640, 200, CpuCompositor.placeholderRgb(Yuv.fromRgb(BACKGROUND)), 3)).as(TestFrames.describe(canvas, 640, 200)).isTrue();
    }

    @Test
    void frameRefCountsAreLeftAlone() {
        Map<String, VideoFrame> frames = fourColours();
        LayoutSpec spec = LayoutSpec.grid();
        List<Tile> tiles = Layouts.compute(spec, new ArrayList<>(frames.keySet()), null, 1280, 720);
        compositor.composite(canvas, tiles, frames, Map.of(), spec);
        assertThat(frames.values()).allSatisfy(f -> assertThat(f.refCount()).isEqualTo(1));
        assertThat(canvas.refCount()).isEqualTo(1);
    }

    @Test
    void manyCompositionsWithVaryingSizesThenClose() {
        Random rnd = new Random(7);
        List<VideoFrame> sources = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int w = 16 + rnd.nextInt(1300);
            int h = 16 + rnd.nextInt(740);
            sources.add(own(TestFrames.solid(w, h, rnd.nextInt(0x1000000))));
        }
        VideoFrame small = own(VideoFrame.allocateYuv420(642, 362));
        LayoutKind[] kinds = {LayoutKind.GRID, LayoutKind.FILMSTRIP, LayoutKind.SPEAKER};
        for (int round = 0; round < 300; round++) {
            VideoFrame target = round % 3 == 0 ? small : canvas;
            int n = 1 + rnd.nextInt(sources.size() + 4);
            List<String> ids = new ArrayList<>();
            Map<String, VideoFrame> frames = new HashMap<>();
            for (int i = 0; i < n; i++) {
                ids.add("p" + i);
                if (i < sources.size()) {
                    frames.put("p" + i, sources.get((i + round) % sources.size()));
                }
            }
            LayoutSpec spec = new LayoutSpec(kinds[round % 3], null, rnd.nextBoolean() ? Fit.CROP : Fit.LETTERBOX,
                    true, rnd.nextInt(0x1000000));
            List<Tile> tiles = Layouts.compute(spec, ids, ids.get(rnd.nextInt(n)), target.width(), target.height());
            compositor.composite(target, tiles, frames, Map.of(), spec);
        }
        assertThat(compositor.tileErrors()).isZero();
        assertThat(compositor.cachedScalers()).isBetween(1, CpuCompositor.MAX_CONTEXTS);
        compositor.close();
        assertThat(compositor.cachedScalers()).isZero();
        compositor.close(); // idempotent
        assertThatThrownBy(() -> compositor.composite(canvas, List.of(), Map.of(), Map.of(), LayoutSpec.grid()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void canvasMustBeYuv420p() {
        VideoFrame rgb = own(VideoFrame.allocate(64, 64, avutil.AV_PIX_FMT_RGB24));
        assertThatThrownBy(() -> compositor.composite(rgb, List.of(), Map.of(), Map.of(), LayoutSpec.grid()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("YUV420P");
    }
}
