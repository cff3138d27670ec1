package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.PictureFit;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.compose.Yuv;

/**
 * The {@code AmsTile} entries ({@link KernelAbi}) that draw one canvas with {@code ams_composite}:
 * what {@link CpuCompositor} draws, minus the name labels (masks, drawn by {@code ams_blend_masks}).
 *
 * <p>Order, which is also the paint order: one background fill of the whole canvas; then per tile
 * in ascending z (ties in list order, as on the CPU) its picture, letterboxed or cropped with the
 * CPU compositor's geometry ({@link PictureFit}), or a placeholder fill when the participant has
 * no source; then, for the highlighted tile, 4 border strips in {@link CpuCompositor#HIGHLIGHT_RGB}
 * of {@link CpuCompositor#borderWidth} pixels. Letterbox bars are the background showing through,
 * as on the CPU. A crop is expressed by moving the source addresses to the crop's corner (even
 * offsets) and shrinking the source size; the box filter is chosen when the source is shrunk by
 * more than 2x in either direction, else bilinear.
 *
 * <p>Immutable. Built on the mixer thread from plain numbers (device addresses are longs); no GPU
 * library is touched. The entries' bytes are in {@link #buffer()}, a direct little-endian buffer
 * owned by this table; {@link #writeTo} copies them into a launcher's table of many canvases.
 */
public final class TileTable {

    /**
     * The canvas: NV12 on the device.
     *
     * @param yAddress device address of the Y plane
     * @param uvAddress device address of the interleaved UV plane
     * @param pitch bytes per row of both planes
     */
    public record Canvas(long yAddress, long uvAddress, int pitch, int width, int height) {
    }

    /**
     * A participant's latest decoded picture: NV12 on the device.
     *
     * @param yAddress device address of the Y plane
     * @param uvAddress device address of the interleaved UV plane
     * @param pitch bytes per row of both planes
     */
    public record Source(long yAddress, long uvAddress, int pitch, int width, int height) {
    }

    /** What an entry draws. */
    public enum Kind {
        /** The whole canvas in the background colour. */
        BACKGROUND,
        /** A participant's picture. */
        PICTURE,
        /** A participant without a picture: a grey fill (the name is a mask drawn later). */
        PLACEHOLDER,
        /** One of the 4 strips of the highlighted tile's frame. */
        BORDER
    }

    /**
     * One {@code AmsTile}, as numbers.
     *
     * @param participantId whose tile this is; null for the background
     * @param dst the rectangle of the canvas written
     * @param srcY device address of the (cropped) source's Y plane; 0 for fills
     * @param srcUV device address of the (cropped) source's UV plane; 0 for fills
     * @param srcWidth source width used (even); 0 for fills
     * @param srcHeight source height used (even); 0 for fills
     * @param filter {@link KernelAbi#FILTER_BILINEAR} or {@link KernelAbi#FILTER_BOX}
     * @param fillY fill colour (BT.601 limited range) of fills; 0 for pictures
     */
    public record Entry(Kind kind, String participantId, Rect dst, long srcY, long srcUV, int srcPitch,
            int srcWidth, int srcHeight, int filter, int fillY, int fillU, int fillV) {
    }

    private final Canvas canvas;
    private final List<Entry> entries;
    private final ByteBuffer bytes;

    private TileTable(Canvas canvas, List<Entry> entries) {
        this.canvas = canvas;
        this.entries = List.copyOf(entries);
        this.bytes = ByteBuffer.allocateDirect(entries.size() * KernelAbi.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < entries.size(); i++) {
            put(bytes, i * KernelAbi.TILE_BYTES, entries.get(i));
        }
    }

    /**
     * Builds the table of one canvas.
     *
     * @param canvas where to draw
     * @param tiles from {@link io.ams.engine.compose.Layouts#compute}; null means none (background only)
     * @param spec fit, background and highlight; null means {@link LayoutSpec#grid()}
     * @param sources latest picture per participant id; a participant without one (or with one
     *     smaller than 2x2 or at address 0) gets a placeholder
     * @throws IllegalArgumentException when the canvas is not drawable: addresses 0, a side
     *     under 2 or over {@value KernelAbi#MAX_COORDINATE}, or a pitch under its width
     */
    public static TileTable build(Canvas canvas, List<Tile> tiles, LayoutSpec spec, Map<String, Source> sources) {
        return build(canvas, tiles, spec, sources, Map.of());
    }

    /**
     * As above; {@code focus}: per participant, the point ({x, y} fractions of the picture, a face)
     * that CROP tiles centre on as far as the picture reaches, as the CPU compositor does.
     */
    public static TileTable build(Canvas canvas, List<Tile> tiles, LayoutSpec spec, Map<String, Source> sources,
            Map<String, double[]> focus) {
        Objects.requireNonNull(canvas, "canvas");
        checkCanvas(canvas);
        LayoutSpec style = spec == null ? LayoutSpec.grid() : spec;
        int[] background = Yuv.fromRgb(style.backgroundRgb() & 0xFFFFFF);
        int[] placeholder = Yuv.fromRgb(CpuCompositor.placeholderRgb(background));
        int[] highlight = Yuv.fromRgb(CpuCompositor.HIGHLIGHT_RGB);
        int cw = canvas.width() & ~1;
        int ch = canvas.height() & ~1;
        List<Entry> out = new ArrayList<>();
        out.add(fill(Kind.BACKGROUND, null, new Rect(0, 0, cw, ch), background));
        if (tiles != null) {
            List<Tile> ordered = new ArrayList<>(tiles.size());
            for (Tile t : tiles) {
                if (t != null && t.participantId() != null) {
                    ordered.add(t);
                }
            }
            ordered.sort(Comparator.comparingInt(Tile::z)); // stable: ties keep list order, as on the CPU
            for (Tile tile : ordered) {
                Rect rect = PictureFit.clip(tile.rect(), cw, ch);
                if (rect == null) {
                    continue;
                }
                String id = tile.participantId();
                Source src = sources == null ? null : sources.get(id);
                double[] f = focus == null ? null : focus.get(id);
                Entry picture = usable(src) ? picture(id, src, rect, style.fit(), f) : null;
                out.add(picture != null ? picture : fill(Kind.PLACEHOLDER, id, rect, placeholder));
                if (tile.highlighted()) {
                    for (Rect strip : PictureFit.borderStrips(rect, CpuCompositor.borderWidth(canvas.height()))) {
                        out.add(fill(Kind.BORDER, id, strip, highlight));
                    }
                }
            }
        }
        return new TileTable(canvas, out);
    }

    /** The canvas drawn. */
    public Canvas canvas() {
        return canvas;
    }

    /** The entries, in table (paint) order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Number of {@code AmsTile} entries. */
    public int count() {
        return entries.size();
    }

    /** The entries' bytes: a read-only little-endian view, position 0, limit {@code count() * TILE_BYTES}. */
    public ByteBuffer buffer() {
        return bytes.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Copies the entries' bytes into {@code dst} at its position, which advances by
     * {@code count() * TILE_BYTES}.
     *
     * @throws java.nio.BufferOverflowException when {@code dst} has less room
     */
    public void writeTo(ByteBuffer dst) {
        dst.put(bytes.duplicate().clear());
    }

    /** grid.x that {@code ams_composite} needs for this table: the largest entry's block count. */
    public int gridX() {
        int most = 1;
        for (Entry e : entries) {
            most = Math.max(most, KernelAbi.blocks(e.dst().width(), e.dst().height()));
        }
        return most;
    }

    /** The picture entry of one participant, or null (placeholder, or off the canvas). */
    private static Entry picture(String id, Source src, Rect tile, Fit fit, double[] focus) {
        // the CPU compositor's geometry, from the real size (odd sizes included) ...
        PictureFit.Placement place = focus == null
                ? PictureFit.place(src.width(), src.height(), tile, fit, 2, 2, true)
                : PictureFit.place(src.width(), src.height(), tile, fit, 2, 2, true, focus[0], focus[1]);
        // ... then even sizes for NV12: an even crop, re-centred at an even offset (or kept on the focus)
        int usedW = Math.max(2, place.cropWidth() & ~1);
        int usedH = Math.max(2, place.cropHeight() & ~1);
        int cropX = place.cropWidth() == src.width() ? 0 : evenCropStart(place.cropX(), src.width(), usedW, focus);
        int cropY = place.cropHeight() == src.height() ? 0 : evenCropStart(place.cropY(), src.height(), usedH, focus);
        Rect dst = place.dst();
        long yOffset = (long) cropY * src.pitch() + cropX;
        long uvOffset = (long) (cropY / 2) * src.pitch() + cropX; // UV pair c is at byte 2c; cropX = 2 * (cropX / 2)
        int filter = PictureFit.downscaledMoreThan2x(usedW, usedH, dst.width(), dst.height())
                ? KernelAbi.FILTER_BOX : KernelAbi.FILTER_BILINEAR;
        return new Entry(Kind.PICTURE, id, dst, src.yAddress() + yOffset, src.uvAddress() + uvOffset, src.pitch(),
                usedW, usedH, filter, 0, 0, 0);
    }

    /** An even crop start: centred without a focus; else the CPU's start on the focus, kept inside the picture. */
    private static int evenCropStart(int cpuStart, int size, int used, double[] focus) {
        int last = ((size & ~1) - used) & ~1;
        if (focus == null) {
            return ((size & ~1) - used) / 2 & ~1;
        }
        return Math.max(0, Math.min(last, cpuStart & ~1));
    }

    private static boolean usable(Source s) {
        return s != null && s.yAddress() != 0 && s.uvAddress() != 0 && s.width() >= 2 && s.height() >= 2
                && s.pitch() >= s.width();
    }

    private static Entry fill(Kind kind, String id, Rect rect, int[] yuv) {
        return new Entry(kind, id, rect, 0, 0, 0, 0, 0, KernelAbi.FILTER_BILINEAR, yuv[0], yuv[1], yuv[2]);
    }

    private static void checkCanvas(Canvas c) {
        if (c.yAddress() == 0 || c.uvAddress() == 0) {
            throw new IllegalArgumentException("canvas plane addresses must not be 0, were Y 0x"
                    + Long.toHexString(c.yAddress()) + " UV 0x" + Long.toHexString(c.uvAddress()));
        }
        if (c.width() < 2 || c.height() < 2 || c.width() > KernelAbi.MAX_COORDINATE
                || c.height() > KernelAbi.MAX_COORDINATE) {
            throw new IllegalArgumentException("canvas must be 2.." + KernelAbi.MAX_COORDINATE
                    + " pixels a side, was " + c.width() + "x" + c.height());
        }
        if (c.pitch() < c.width()) {
            throw new IllegalArgumentException("canvas pitch must be at least its width " + c.width()
                    + ", was " + c.pitch());
        }
    }

    private void put(ByteBuffer b, int at, Entry e) {
        b.putLong(at + KernelAbi.SRC_Y_OFFSET, e.srcY());
        b.putLong(at + KernelAbi.SRC_UV_OFFSET, e.srcUV());
        b.putLong(at + KernelAbi.DST_Y_OFFSET, canvas.yAddress());
        b.putLong(at + KernelAbi.DST_UV_OFFSET, canvas.uvAddress());
        b.putInt(at + KernelAbi.SRC_PITCH_OFFSET, e.srcPitch());
        b.putInt(at + KernelAbi.SRC_W_OFFSET, e.srcWidth());
        b.putInt(at + KernelAbi.SRC_H_OFFSET, e.srcHeight());
        b.putInt(at + KernelAbi.DST_PITCH_OFFSET, canvas.pitch());
        b.putShort(at + KernelAbi.DST_X_OFFSET, (short) e.dst().x());
        b.putShort(at + KernelAbi.DST_Y_POS_OFFSET, (short) e.dst().y());
        b.putShort(at + KernelAbi.DST_W_OFFSET, (short) e.dst().width());
        b.putShort(at + KernelAbi.DST_H_OFFSET, (short) e.dst().height());
        b.put(at + KernelAbi.FILTER_OFFSET, (byte) e.filter());
        b.put(at + KernelAbi.FILL_Y_OFFSET, (byte) e.fillY());
        b.put(at + KernelAbi.FILL_U_OFFSET, (byte) e.fillU());
        b.put(at + KernelAbi.FILL_V_OFFSET, (byte) e.fillV());
        b.putInt(at + KernelAbi.RESERVED_OFFSET, 0);
    }
}
