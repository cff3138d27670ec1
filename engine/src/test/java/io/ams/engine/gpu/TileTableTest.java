package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Region;
import io.ams.engine.compose.Tile;
import io.ams.engine.compose.Yuv;
import io.ams.engine.gpu.TileTable.Kind;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

/**
 * Tile tables built from real layouts, read back from their bytes: order, geometry (against what
 * the CPU compositor actually draws), crops, borders, filters and colours.
 */
class TileTableTest {
    private static final int W = 1280;
    private static final int H = 720;
    private static final TileTable.Canvas CANVAS = new TileTable.Canvas(0x7f00_0000_0000L, 0x7f00_0010_0000L, 1536, W, H);
    /** Stands for the picture colour: far from black, the background. */
    private static final int PICTURE_RGB = 0x00C000;

    private static long nextAddress = 0x7e00_0000_0000L;

    /** A device picture at a made-up address, planes one after the other. */
    private static TileTable.Source source(int w, int h, int pitch) {
        long y = nextAddress;
        nextAddress += 0x1000_0000L;
        return new TileTable.Source(y, y + (long) pitch * h, pitch, w, h);
    }

    /** One AmsTile as read back from the bytes, at the ABI's literal offsets. */
    private record Decoded(long srcY, long srcUV, long dstY, long dstUV, int srcPitch, int srcW, int srcH,
            int dstPitch, Rect dst, int filter, int y, int u, int v, int reserved) {
        int[] yuv() {
            return new int[] {y, u, v};
        }
    }

    private static List<Decoded> decode(ByteBuffer b) {
        assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.remaining() % 64).isZero();
        List<Decoded> out = new ArrayList<>();
        for (int at = 0; at < b.limit(); at += 64) {
            out.add(new Decoded(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                    b.getInt(at + 32), b.getInt(at + 36), b.getInt(at + 40), b.getInt(at + 44),
                    new Rect(b.getShort(at + 48), b.getShort(at + 50), b.getShort(at + 52), b.getShort(at + 54)),
                    b.get(at + 56) & 0xFF, b.get(at + 57) & 0xFF, b.get(at + 58) & 0xFF, b.get(at + 59) & 0xFF,
                    b.getInt(at + 60)));
        }
        return out;
    }

    /** What every entry of a table shares: its canvas, even rects inside it, reserved 0; bytes = entries. */
    private static List<Decoded> decodeAndCheck(TileTable table) {
        ByteBuffer buf = table.buffer();
        assertThat(buf.isDirect()).isTrue();
        assertThat(buf.limit()).isEqualTo(table.count() * KernelAbi.TILE_BYTES);
        List<Decoded> d = decode(buf);
        Rect canvas = new Rect(0, 0, W, H);
        for (int i = 0; i < d.size(); i++) {
            Decoded e = d.get(i);
            TileTable.Entry want = table.entries().get(i);
            assertThat(e.dstY()).isEqualTo(CANVAS.yAddress());
            assertThat(e.dstUV()).isEqualTo(CANVAS.uvAddress());
            assertThat(e.dstPitch()).isEqualTo(CANVAS.pitch());
            assertThat(e.reserved()).isZero();
            assertThat(canvas.contains(e.dst())).as("entry %d %s inside the canvas", i, e.dst()).isTrue();
            assertThat(e.dst().x() % 2 + e.dst().y() % 2 + e.dst().width() % 2 + e.dst().height() % 2)
                    .as("entry %d %s even", i, e.dst()).isZero();
            assertThat(e.dst()).isEqualTo(want.dst());
            assertThat(e.srcY()).isEqualTo(want.srcY());
            assertThat(e.srcUV()).isEqualTo(want.srcUV());
            assertThat(new int[] {e.srcW(), e.srcH(), e.filter()})
                    .containsExactly(want.srcWidth(), want.srcHeight(), want.filter());
            if (want.kind() == Kind.PICTURE) {
                assertThat(e.srcY()).isNotZero();
                assertThat(e.srcW() % 2 + e.srcH() % 2).isZero();
            } else {
                assertThat(e.srcY()).isZero();
                assertThat(e.yuv()).containsExactly(want.fillY(), want.fillU(), want.fillV());
            }
        }
        return d;
    }

    private static List<Kind> kinds(TileTable t) {
        return t.entries().stream().map(TileTable.Entry::kind).toList();
    }

    private static List<String> owners(TileTable t) {
        return t.entries().stream().map(TileTable.Entry::participantId).toList();
    }

    private static Rect tileOf(List<Tile> tiles, String id) {
        return tiles.stream().filter(t -> t.participantId().equals(id)).findFirst().orElseThrow().rect();
    }

    @Test
    void gridOfFourBackgroundFirstThenPicturesInOrderBorderOnTheMainSpeakerAndAPlaceholder() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), List.of("a", "b", "c", "d"), "a", W, H);
        Map<String, TileTable.Source> sources = Map.of(
                "a", source(1280, 720, 1280), "b", source(640, 480, 768), "c", source(720, 1280, 768));
        TileTable table = TileTable.build(CANVAS, tiles, LayoutSpec.grid(), sources);
        List<Decoded> d = decodeAndCheck(table);

        assertThat(kinds(table)).containsExactly(Kind.BACKGROUND, Kind.PICTURE, Kind.BORDER, Kind.BORDER, Kind.BORDER,
                Kind.BORDER, Kind.PICTURE, Kind.PICTURE, Kind.PLACEHOLDER);
        assertThat(owners(table)).containsExactly(null, "a", "a", "a", "a", "a", "b", "c", "d");
        Decoded background = d.get(0);
        assertThat(background.dst()).isEqualTo(new Rect(0, 0, W, H));
        assertThat(background.srcY()).isZero();
        assertThat(background.yuv()).containsExactly(Yuv.fromRgb(0x000000));
        // pictures inside their tiles, from their own sources, whole (letterbox: no crop)
        for (String id : List.of("a", "b", "c")) {
            int i = owners(table).indexOf(id);
            assertThat(tileOf(tiles, id).contains(d.get(i).dst())).as(id).isTrue();
            assertThat(d.get(i).srcY()).isEqualTo(sources.get(id).yAddress());
            assertThat(d.get(i).srcUV()).isEqualTo(sources.get(id).uvAddress());
            assertThat(d.get(i).srcPitch()).isEqualTo(sources.get(id).pitch());
            assertThat(new int[] {d.get(i).srcW(), d.get(i).srcH()})
                    .containsExactly(sources.get(id).width(), sources.get(id).height());
        }
        // portrait c in a landscape tile: full height, pillarboxed and centred
        Decoded c = d.get(7);
        Rect cTile = tileOf(tiles, "c");
        assertThat(c.dst().height()).isEqualTo(cTile.height());
        assertThat(c.dst().width()).isLessThan(cTile.height());
        assertThat(Math.abs((c.dst().x() - cTile.x()) - (cTile.x() + cTile.width() - c.dst().x() - c.dst().width())))
                .isLessThanOrEqualTo(2);
        // the placeholder fills d's whole tile in the placeholder grey
        assertThat(d.get(8).dst()).isEqualTo(tileOf(tiles, "d"));
        assertThat(d.get(8).yuv()).containsExactly(Yuv.fromRgb(CpuCompositor.PLACEHOLDER_RGB));
        // the highlight frame: 4 strips of borderWidth(720) = 4 inside a's tile, covering its edge
        Rect aTile = tileOf(tiles, "a");
        int t = CpuCompositor.borderWidth(H);
        assertThat(t).isEqualTo(4);
        assertThat(d.subList(2, 6)).extracting(Decoded::dst).containsExactly(
                new Rect(aTile.x(), aTile.y(), aTile.width(), t),
                new Rect(aTile.x(), aTile.y() + aTile.height() - t, aTile.width(), t),
                new Rect(aTile.x(), aTile.y() + t, t, aTile.height() - 2 * t),
                new Rect(aTile.x() + aTile.width() - t, aTile.y() + t, t, aTile.height() - 2 * t));
        for (Decoded border : d.subList(2, 6)) {
            assertThat(border.yuv()).containsExactly(Yuv.fromRgb(CpuCompositor.HIGHLIGHT_RGB));
        }
        assertThat(table.gridX()).isEqualTo(KernelAbi.blocks(W, H));
    }

    @Test
    void letterboxGeometryAndFillColoursAreWhatTheCpuCompositorDraws() {
        long framesBefore = NativeResources.outstandingFrames();
        List<String> ids = List.of("a", "b", "c", "d");
        Map<String, int[]> sizes = Map.of("a", new int[] {1280, 720}, "b", new int[] {640, 480},
                "c", new int[] {720, 1280});
        Map<String, TileTable.Source> sources = new HashMap<>();
        Map<String, VideoFrame> frames = new HashMap<>();
        try (CpuCompositor cpu = new CpuCompositor(); VideoFrame canvas = VideoFrame.allocateYuv420(W, H)) {
            for (var e : sizes.entrySet()) {
                int[] s = e.getValue();
                sources.put(e.getKey(), source(s[0], s[1], s[0]));
                frames.put(e.getKey(), solid(s[0], s[1], PICTURE_RGB));
            }
            for (boolean highlight : new boolean[] {false, true}) {
                LayoutSpec spec = new LayoutSpec(LayoutKind.GRID, List.of(), Fit.LETTERBOX, highlight, 0x000000);
                List<Tile> tiles = Layouts.compute(spec, ids, "a", W, H);
                TileTable table = TileTable.build(CANVAS, tiles, spec, sources);
                List<Decoded> d = decodeAndCheck(table);
                cpu.composite(canvas, tiles, frames, Map.of(), spec);
                for (int i = 0; i < d.size(); i++) {
                    TileTable.Entry e = table.entries().get(i);
                    Rect r = d.get(i).dst();
                    if (e.kind() == Kind.PICTURE && !highlight) {
                        // the pixels the CPU covered with the picture (label included) are exactly the entry's rect
                        assertThat(pictureBounds(canvas, tileOf(tiles, e.participantId())))
                                .as("picture of %s", e.participantId()).isEqualTo(r);
                    } else if (e.kind() == Kind.BORDER || e.kind() == Kind.BACKGROUND) {
                        // a pixel of each border strip, and one of the gaps between tiles
                        int x = e.kind() == Kind.BACKGROUND ? 0 : r.x() + r.width() / 2 & ~1;
                        int y = e.kind() == Kind.BACKGROUND ? 0 : r.y() + r.height() / 2 & ~1;
                        assertThat(yuvAt(canvas, x, y)).as("%s at %d,%d", e.kind(), x, y).containsExactly(d.get(i).yuv());
                    } else if (e.kind() == Kind.PLACEHOLDER) {
                        // a corner of the placeholder, away from the name
                        assertThat(yuvAt(canvas, r.x() + 2, r.y() + 2)).containsExactly(d.get(i).yuv());
                    }
                }
            }
        } finally {
            frames.values().forEach(VideoFrame::close);
        }
        assertThat(NativeResources.outstandingFrames()).isEqualTo(framesBefore);
    }

    @Test
    void speakerOfFiveCropsSymmetricallyAtEvenOffsetsAndFramesOnlyTheMainSpeaker() {
        LayoutSpec spec = new LayoutSpec(LayoutKind.SPEAKER, List.of(), Fit.CROP, true, 0x202020);
        List<String> ids = List.of("m", "t1", "t2", "t3", "t4");
        List<Tile> tiles = Layouts.compute(spec, ids, "m", W, H);
        Map<String, TileTable.Source> sources = Map.of("m", source(1920, 1080, 2048), "t1", source(640, 480, 640),
                "t2", source(720, 1280, 768), "t3", source(1280, 720, 1280));
        TileTable table = TileTable.build(CANVAS, tiles, spec, sources);
        List<Decoded> d = decodeAndCheck(table);

        assertThat(kinds(table)).containsExactly(Kind.BACKGROUND, Kind.PICTURE, Kind.BORDER, Kind.BORDER, Kind.BORDER,
                Kind.BORDER, Kind.PICTURE, Kind.PICTURE, Kind.PICTURE, Kind.PLACEHOLDER);
        assertThat(owners(table)).containsExactly(null, "m", "m", "m", "m", "m", "t1", "t2", "t3", "t4");
        assertThat(d.get(0).yuv()).containsExactly(Yuv.fromRgb(0x202020));
        // the main speaker's frame lies along the canvas edge, under the thumbnails (drawn after it)
        assertThat(d.subList(2, 6)).extracting(Decoded::dst).containsExactly(new Rect(0, 0, W, 4),
                new Rect(0, H - 4, W, 4), new Rect(0, 4, 4, H - 8), new Rect(W - 4, 4, 4, H - 8));
        // main 1920x1080 -> 1280x720: same aspect, no crop, 1.5x: bilinear
        assertThat(d.get(1).dst()).isEqualTo(new Rect(0, 0, W, H));
        assertThat(new int[] {d.get(1).srcW(), d.get(1).srcH(), d.get(1).filter()})
                .containsExactly(1920, 1080, KernelAbi.FILTER_BILINEAR);
        assertThat(d.get(1).srcY()).isEqualTo(sources.get("m").yAddress());

        for (int i = 6; i <= 8; i++) {
            String id = owners(table).get(i);
            TileTable.Source s = sources.get(id);
            Decoded e = d.get(i);
            Rect tile = tileOf(tiles, id);
            assertThat(e.dst()).as("%s fills its tile", id).isEqualTo(tile);
            long yOffset = e.srcY() - s.yAddress();
            int cropX = (int) (yOffset % s.pitch());
            int cropY = (int) (yOffset / s.pitch());
            assertThat(cropX % 2 + cropY % 2).as("%s crop offset %d,%d even", id, cropX, cropY).isZero();
            assertThat(e.srcUV() - s.uvAddress()).as("%s UV offset", id).isEqualTo((long) (cropY / 2) * s.pitch() + cropX);
            assertThat(e.srcPitch()).isEqualTo(s.pitch());
            int left = cropX;
            int right = s.width() - cropX - e.srcW();
            int top = cropY;
            int bottom = s.height() - cropY - e.srcH();
            assertThat(Math.min(Math.min(left, right), Math.min(top, bottom))).as("%s crop inside", id).isGreaterThanOrEqualTo(0);
            assertThat(Math.abs(left - right)).as("%s left/right", id).isLessThanOrEqualTo(2);
            assertThat(Math.abs(top - bottom)).as("%s top/bottom", id).isLessThanOrEqualTo(2);
            // the crop has the tile's aspect
            assertThat((double) e.srcW() / e.srcH()).as(id)
                    .isCloseTo((double) tile.width() / tile.height(), org.assertj.core.data.Percentage.withPercentage(2));
            boolean box = e.srcW() > 2 * tile.width() || e.srcH() > 2 * tile.height();
            assertThat(e.filter()).as("%s filter", id).isEqualTo(box ? KernelAbi.FILTER_BOX : KernelAbi.FILTER_BILINEAR);
        }
        // t1 640x480 into a 16:9 thumbnail: rows cut, 60 at the top and at the bottom, shrunk > 2x: box
        Decoded t1 = d.get(6);
        assertThat(t1.srcY() - sources.get("t1").yAddress()).isEqualTo(60L * 640);
        assertThat(new int[] {t1.srcW(), t1.srcH(), t1.filter()}).containsExactly(640, 360, KernelAbi.FILTER_BOX);
        // t2 portrait 720x1280: a 720x404 band from the middle
        Decoded t2 = d.get(7);
        assertThat(t2.srcW()).isEqualTo(720);
        assertThat(t2.srcH()).isBetween(402, 406);
    }

    @Test
    void customRegionsInZOrderAndTheFilterFollowsTheShrinkFactor() {
        LayoutSpec spec = new LayoutSpec(LayoutKind.CUSTOM, List.of(
                new Region(0, 0, 1, 1, "x"),
                new Region(0.5, 0.5, 0.5, 0.5, "y"),
                new Region(0.25, 0.25, 0.25, 0.25, "z")), Fit.LETTERBOX, true, 0xFFFFFF);
        List<Tile> tiles = Layouts.compute(spec, List.of("z", "y", "x"), "y", W, H);
        Map<String, TileTable.Source> sources = Map.of("y", source(640, 360, 640), "z", source(1280, 720, 1280));
        TileTable table = TileTable.build(CANVAS, tiles, spec, sources);
        List<Decoded> d = decodeAndCheck(table);

        assertThat(kinds(table)).containsExactly(Kind.BACKGROUND, Kind.PLACEHOLDER, Kind.PICTURE, Kind.BORDER,
                Kind.BORDER, Kind.BORDER, Kind.BORDER, Kind.PICTURE);
        assertThat(owners(table)).containsExactly(null, "x", "y", "y", "y", "y", "y", "z");
        assertThat(d.get(1).dst()).isEqualTo(new Rect(0, 0, W, H));
        // placeholder grey on a white background
        assertThat(d.get(1).yuv()).containsExactly(Yuv.fromRgb(CpuCompositor.placeholderRgb(Yuv.fromRgb(0xFFFFFF))));
        // 640x360 -> 640x360: bilinear, a copy
        assertThat(d.get(2).dst()).isEqualTo(new Rect(640, 360, 640, 360));
        assertThat(new int[] {d.get(2).srcW(), d.get(2).srcH(), d.get(2).filter()})
                .containsExactly(640, 360, KernelAbi.FILTER_BILINEAR);
        // 1280x720 -> 320x180: 4x down, box (no aliasing)
        assertThat(d.get(7).dst()).isEqualTo(new Rect(320, 180, 320, 180));
        assertThat(new int[] {d.get(7).srcW(), d.get(7).srcH(), d.get(7).filter()})
                .containsExactly(1280, 720, KernelAbi.FILTER_BOX);
    }

    @Test
    void bytesAreLittleEndianAtTheAbiOffsets() {
        LayoutSpec spec = new LayoutSpec(LayoutKind.CUSTOM, List.of(new Region(0.25, 0.5, 0.5, 0.5, "p")),
                Fit.LETTERBOX, false, 0x000000);
        List<Tile> tiles = Layouts.compute(spec, List.of("p"), null, W, H);
        TileTable.Source s = new TileTable.Source(0x0102_0304_0506_0708L, 0x1112_1314_1516_1718L, 0x0A00, 0x0500, 0x02D0);
        TileTable table = TileTable.build(CANVAS, tiles, spec, Map.of("p", s));
        ByteBuffer b = table.buffer();
        assertThat(table.count()).isEqualTo(2);
        int p = 64; // the picture, after the background
        assertThat(b.get(p)).isEqualTo((byte) 0x08); // srcY, least significant byte first
        assertThat(b.get(p + 7)).isEqualTo((byte) 0x01);
        assertThat(b.get(p + 8)).isEqualTo((byte) 0x18); // srcUV
        assertThat(b.get(p + 16)).isEqualTo((byte) (CANVAS.yAddress() & 0xFF));
        assertThat(b.get(p + 21)).isEqualTo((byte) 0x7f); // dstY 0x00007f0000000000
        assertThat(b.get(p + 26)).isEqualTo((byte) 0x10); // dstUV 0x00007f0000100000
        assertThat(new byte[] {b.get(p + 32), b.get(p + 33)}).containsExactly(0x00, 0x0A); // srcPitch 2560
        assertThat(new byte[] {b.get(p + 36), b.get(p + 37)}).containsExactly(0x00, 0x05); // srcW 1280
        assertThat(new byte[] {b.get(p + 40), b.get(p + 41)}).containsExactly(0xD0 - 256, 0x02); // srcH 720
        assertThat(new byte[] {b.get(p + 44), b.get(p + 45)}).containsExactly(0x00, 0x06); // dstPitch 1536
        // region 320,360 640x360 holds 1280x720 exactly: dst 320,360 640x360
        assertThat(new byte[] {b.get(p + 48), b.get(p + 49), b.get(p + 50), b.get(p + 51), b.get(p + 52), b.get(p + 53),
                b.get(p + 54), b.get(p + 55)}).containsExactly(0x40, 0x01, 0x68, 0x01, 0x80, 0x02, 0x68, 0x01);
        assertThat(b.get(p + 56)).isEqualTo((byte) KernelAbi.FILTER_BILINEAR);
        assertThat(b.getInt(p + 60)).isZero();
        // the background fill colour: black is Y 16, U 128, V 128
        assertThat(new int[] {b.get(57) & 0xFF, b.get(58) & 0xFF, b.get(59) & 0xFF}).containsExactly(16, 128, 128);
    }

    @Test
    void tablesOfSeveralCanvasesConcatenateAndUnusableSourcesBecomePlaceholders() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), List.of("a", "b", "c"), "a", W, H);
        Map<String, TileTable.Source> sources = new LinkedHashMap<>();
        sources.put("a", source(641, 361, 704)); // odd: used as 640x360
        sources.put("b", new TileTable.Source(0, 0, 640, 640, 360)); // no address
        sources.put("c", source(1, 1, 64)); // too small
        TileTable first = TileTable.build(CANVAS, tiles, LayoutSpec.grid(), sources);
        assertThat(kinds(first)).containsExactly(Kind.BACKGROUND, Kind.PICTURE, Kind.BORDER, Kind.BORDER,
                Kind.BORDER, Kind.BORDER, Kind.PLACEHOLDER, Kind.PLACEHOLDER);
        Decoded a = decodeAndCheck(first).get(1);
        assertThat(new int[] {a.srcW(), a.srcH()}).containsExactly(640, 360);

        TileTable.Canvas other = new TileTable.Canvas(0x7d00_0000_0000L, 0x7d00_0100_0000L, 640, 640, 360);
        TileTable second = TileTable.build(other, null, null, null);
        assertThat(kinds(second)).containsExactly(Kind.BACKGROUND);
        ByteBuffer all = ByteBuffer.allocateDirect((first.count() + second.count()) * KernelAbi.TILE_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        first.writeTo(all);
        second.writeTo(all);
        assertThat(all.position()).isEqualTo(all.capacity());
        all.flip();
        List<Decoded> d = decode(all);
        assertThat(d).extracting(Decoded::dstY).containsExactly(CANVAS.yAddress(), CANVAS.yAddress(),
                CANVAS.yAddress(), CANVAS.yAddress(), CANVAS.yAddress(), CANVAS.yAddress(), CANVAS.yAddress(),
                CANVAS.yAddress(), other.yAddress());
        assertThat(d.get(8).dst()).isEqualTo(new Rect(0, 0, 640, 360));
    }

    @Test
    void canvasesTheKernelCannotDrawAreRejectedNamingTheField() {
        assertThatThrownBy(() -> TileTable.build(new TileTable.Canvas(0, 1, 1536, W, H), null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addresses");
        assertThatThrownBy(() -> TileTable.build(new TileTable.Canvas(1, 1, 1000, W, H), null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pitch");
        assertThatThrownBy(() -> TileTable.build(new TileTable.Canvas(1, 1, 40000, 40000, H), null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32766");
    }

    /** A YUV420P frame of one colour, owned by the caller. */
    private static VideoFrame solid(int w, int h, int rgb) {
        VideoFrame f = VideoFrame.allocateYuv420(w, h);
        AVFrame a = f.avFrame();
        int[] yuv = Yuv.fromRgb(rgb);
        for (int p = 0; p < 3; p++) {
            int rows = p == 0 ? h : (h + 1) / 2;
            Pointer.memset(a.data(p), yuv[p], (long) a.linesize(p) * rows);
        }
        return f;
    }

    private static int[] yuvAt(VideoFrame f, int x, int y) {
        AVFrame a = f.avFrame();
        return new int[] {a.data(0).get((long) y * a.linesize(0) + x) & 0xFF,
                a.data(1).get((long) (y / 2) * a.linesize(1) + x / 2) & 0xFF,
                a.data(2).get((long) (y / 2) * a.linesize(2) + x / 2) & 0xFF};
    }

    /** Bounding box, within {@code tile}, of the pixels whose luma is far from the black background. */
    private static Rect pictureBounds(VideoFrame canvas, Rect tile) {
        AVFrame a = canvas.avFrame();
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int y = tile.y(); y < tile.y() + tile.height(); y++) {
            for (int x = tile.x(); x < tile.x() + tile.width(); x++) {
                if ((a.data(0).get((long) y * a.linesize(0) + x) & 0xFF) > 40) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : new Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /**
     * Face-aware tiles on the GPU as on the CPU: a 16:9 camera in a square CROP tile is cut to a band
     * whose start follows the face (here at 40 % and 90 % of the width), kept inside the picture and
     * even for NV12, and equal to the CPU compositor's crop (PictureFit) up to the even rounding.
     */
    @Test
    void cropTilesCentreOnTheFaceAsTheCpuDoes() {
        TileTable.Source cam = source(1280, 720, 1280);
        List<Tile> tiles = List.of(new Tile("p", new Rect(0, 0, 360, 360), 0, false));
        LayoutSpec crop = new LayoutSpec(LayoutKind.GRID, List.of(), io.ams.engine.compose.Fit.CROP, false, 0x202020);
        int centred = cropX(TileTable.build(CANVAS, tiles, crop, Map.of("p", cam)), cam);
        int left = cropX(TileTable.build(CANVAS, tiles, crop, Map.of("p", cam), Map.of("p", new double[] {0.4, 0.5})), cam);
        int right = cropX(TileTable.build(CANVAS, tiles, crop, Map.of("p", cam), Map.of("p", new double[] {0.9, 0.5})), cam);
        assertThat(centred).isEqualTo((1280 - 720) / 2);
        // the CPU compositor's crops for the same focus
        int cpuLeft = io.ams.engine.compose.PictureFit.place(1280, 720, tiles.get(0).rect(), io.ams.engine.compose.Fit.CROP,
                2, 2, true, 0.4, 0.5).cropX();
        int cpuRight = io.ams.engine.compose.PictureFit.place(1280, 720, tiles.get(0).rect(), io.ams.engine.compose.Fit.CROP,
                2, 2, true, 0.9, 0.5).cropX();
        assertThat(left).isEqualTo(cpuLeft & ~1).isLessThan(centred).isEqualTo((int) (0.4 * 1280) - 360 & ~1);
        assertThat(right).as("as far right as the picture reaches").isEqualTo(cpuRight & ~1).isEqualTo(1280 - 720);
        assertThat(left % 2 + right % 2).isZero();
    }

    private static int cropX(TileTable table, TileTable.Source src) {
        Decoded e = decodeAndCheck(table).get(1);
        assertThat(e.srcW()).isEqualTo(720);
        return (int) ((e.srcY() - src.yAddress()) % src.pitch());
    }
}
