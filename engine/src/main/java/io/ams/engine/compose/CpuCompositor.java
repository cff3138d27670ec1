package io.ams.engine.compose;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import io.ams.engine.media.VideoFrame;

/**
 * The CPU compositing stage: draws the participants' latest frames into a YUV420P canvas
 * following the tiles of a layout. libswscale scales each picture straight into its tile's
 * sub-rectangle of the canvas planes (no intermediate copy); names, placeholders and the
 * speaker highlight are drawn in Java over the planes.
 *
 * <p>Ownership: the canvas and the frames are borrowed for the duration of {@link #composite};
 * the caller holds a reference to each while the call runs. The compositor neither retains nor
 * releases them and keeps no pointer into them afterwards. The scaler contexts and the argument
 * arrays are allocated here and freed in {@link #close()}.
 *
 * <p>Media path: {@code composite} never throws for bad input frames; a tile that cannot be
 * scaled is drawn as a placeholder and counted in {@link #tileErrors()}. Not thread-safe: one
 * mixer thread drives one compositor.
 */
public final class CpuCompositor implements AutoCloseable {
    /** Cached scaler contexts, at most this many (one per source size and tile size in use). */
    static final int MAX_CONTEXTS = 128;
    /** Border width of the highlighted tile at 720 lines; scaled with the canvas height. */
    static final int BORDER_AT_720 = 4;
    /** Colour of the speaker highlight. */
    public static final int HIGHLIGHT_RGB = 0xFFC800;
    /** Colour of the placeholder of a participant without video (dark grey). */
    public static final int PLACEHOLDER_RGB = 0x3C3C3C;
    /**
     * Bytes right of each scaled row that are saved before and restored after sws_scale: its SIMD
     * output code writes whole vectors and may go past the destination width (seen: up to 7
     * bytes with SSE/AVX2; 64 covers AVX-512 with room).
     */
    static final int GUARD_BYTES = 64;

    private static final int[] WHITE = Yuv.fromRgb(0xFFFFFF);
    private static final int[] BLACK = Yuv.fromRgb(0x000000);
    private static final int LABEL_BOX_ALPHA = 150;

    private record ScalerKey(int srcW, int srcH, int srcFormat, int dstW, int dstH, int flags) {
    }

    /** Allocated here, freed in close(): swscale contexts, least recently used out. */
    private final LinkedHashMap<ScalerKey, SwsContext> scalers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ScalerKey, SwsContext> eldest) {
            if (size() > MAX_CONTEXTS) {
                swscale.sws_freeContext(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    /** Allocated here, freed in close(): sws_scale argument arrays. */
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer srcStride = new IntPointer(4);
    private final IntPointer dstStride = new IntPointer(4);
    private final LabelRenderer labels = new LabelRenderer();
    private final int[] srcOffsetBytes = new int[4];
    private byte[][] guard = {new byte[0], new byte[0], new byte[0]};
    private long tileErrors;
    private long tilesDrawn;
    private boolean closed;

    public CpuCompositor() {
    }

    /**
     * Draws one picture of the mix.
     *
     * @param canvas a YUV420P frame, borrowed; fully overwritten
     * @param tiles where each participant goes (e.g. from {@link Layouts#compute}); drawn in z order
     * @param frames latest frame per participant id, borrowed; a participant without one gets a
     *     placeholder with their name
     * @param displayNames name per participant id; the id stands in for a missing name
     * @param spec fit and background colour; null means {@link LayoutSpec#grid()}
     * @throws IllegalArgumentException when the canvas is not a YUV420P frame (a caller bug)
     * @throws IllegalStateException after {@link #close()}
     */
    public void composite(VideoFrame canvas, List<Tile> tiles, Map<String, VideoFrame> frames,
            Map<String, String> displayNames, LayoutSpec spec) {
        composite(canvas, tiles, frames, displayNames, spec, Map.of());
    }

    /**
     * As above; {@code focus}: per participant, the point ({x, y} fractions of the picture, e.g. a face) that
     * CROP tiles are centred on, where the picture allows (absent: the centre).
     */
    public void composite(VideoFrame canvas, List<Tile> tiles, Map<String, VideoFrame> frames,
            Map<String, String> displayNames, LayoutSpec spec, Map<String, double[]> focus) {
        if (closed) {
            throw new IllegalStateException("CpuCompositor is closed");
        }
        AVFrame out = canvas.avFrame();
        if (out.format() != avutil.AV_PIX_FMT_YUV420P || out.width() < 2 || out.height() < 2) {
            throw new IllegalArgumentException("canvas must be a YUV420P frame at least 2x2, was format "
                    + out.format() + " " + out.width() + "x" + out.height());
        }
        LayoutSpec style = spec == null ? LayoutSpec.grid() : spec;
        int[] background = Yuv.fromRgb(style.backgroundRgb() & 0xFFFFFF);
        CanvasPainter painter = new CanvasPainter(out);
        painter.fill(new Rect(0, 0, out.width(), out.height()), background);
        if (tiles == null) {
            return;
        }
        List<Tile> ordered = new ArrayList<>(tiles);
        ordered.sort(Comparator.comparingInt(Tile::z));
        for (Tile tile : ordered) {
            if (tile == null || tile.participantId() == null) {
                continue;
            }
            Rect rect = painter.clip(tile.rect());
            if (rect == null) {
                continue;
            }
            String id = tile.participantId();
            String name = displayNames == null ? null : displayNames.get(id);
            if (name == null || name.isBlank()) {
                name = id;
            }
            VideoFrame frame = frames == null ? null : frames.get(id);
            Rect content = null;
            if (frame != null) {
                double[] f = focus == null ? null : focus.get(id);
                content = drawVideo(painter, frame.avFrame(), rect, Layouts.CONTENT_ID.equals(id) ? Fit.LETTERBOX : style.fit(),
                        f == null ? 0.5 : f[0], f == null ? 0.5 : f[1]);
                if (content == null) {
                    tileErrors++;
                }
            }
            if (content == null) {
                drawPlaceholder(painter, rect, name, background);
            } else {
                drawLabel(painter, content, name);
            }
            if (tile.highlighted()) {
                painter.border(rect, borderWidth(out.height()), Yuv.fromRgb(HIGHLIGHT_RGB));
            }
            tilesDrawn++;
        }
    }

    /** Tiles whose picture could not be scaled (drawn as placeholders instead), since creation. */
    public long tileErrors() {
        return tileErrors;
    }

    /** Tiles drawn, with video or as placeholders, since creation. */
    public long tilesDrawn() {
        return tilesDrawn;
    }

    /**
     * Colour of a placeholder on a background {y, u, v}: {@link #PLACEHOLDER_RGB}, or mid-grey
     * where the background is too close to it to tell them apart.
     */
    public static int placeholderRgb(int[] background) {
        return Math.abs(Yuv.fromRgb(PLACEHOLDER_RGB)[0] - background[0]) < 24 ? 0x808080 : PLACEHOLDER_RGB;
    }

    /** Border width of the highlighted tile for a canvas height: 4 at 720, even, at least 2. */
    public static int borderWidth(int canvasHeight) {
        return Math.max(2, Layouts.roundEven(BORDER_AT_720 * canvasHeight / 720.0));
    }

    /** Frees every scaler context. The compositor cannot be used afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SwsContext c : scalers.values()) {
            swscale.sws_freeContext(c);
        }
        scalers.clear();
        srcData.close();
        dstData.close();
        srcStride.close();
        dstStride.close();
    }

    /** Scaler contexts currently cached (for tests and stats). */
    int cachedScalers() {
        return scalers.size();
    }

    /**
     * Scales {@code src} into {@code tile}; returns the rectangle the picture covers, or null
     * when it could not be drawn.
     */
    private Rect drawVideo(CanvasPainter painter, AVFrame src, Rect tile, Fit fit, double focusX, double focusY) {
        int sw = src.width();
        int sh = src.height();
        int fmt = src.format();
        if (sw < 1 || sh < 1 || src.data(0) == null || swscale.sws_isSupportedInput(fmt) <= 0) {
            return null;
        }
        AVPixFmtDescriptor desc = avutil.av_pix_fmt_desc_get(fmt);
        if (desc == null) {
            return null;
        }
        boolean canOffset = (desc.flags() & (avutil.AV_PIX_FMT_FLAG_BITSTREAM | avutil.AV_PIX_FMT_FLAG_HWACCEL)) == 0;
        int alignX = Math.max(2, 1 << desc.log2_chroma_w());
        int alignY = Math.max(2, 1 << desc.log2_chroma_h());
        PictureFit.Placement place = PictureFit.place(sw, sh, tile, fit, alignX, alignY, canOffset, focusX, focusY);
        int cropX = place.cropX();
        int cropY = place.cropY();
        int cropH = place.cropHeight();
        Rect dst = place.dst();
        int flags = place.areaFilter() ? swscale.SWS_AREA : swscale.SWS_BILINEAR;
        SwsContext ctx = scaler(new ScalerKey(place.cropWidth(), cropH, fmt, dst.width(), dst.height(), flags));
        if (ctx == null) {
            return null;
        }
        // source: plane pointers offset to the crop's top-left corner
        int planes = avutil.av_pix_fmt_count_planes(fmt);
        Arrays.fill(srcOffsetBytes, 0);
        if (cropX > 0) {
            avutil.av_image_fill_linesizes(srcOffsetBytes, fmt, cropX);
        }
        for (int p = 0; p < 4; p++) {
            BytePointer base = p < planes ? src.data(p) : null;
            if (base == null || base.isNull()) {
                srcData.put(p, null);
                srcStride.put(p, 0);
                continue;
            }
            int ls = src.linesize(p);
            int rows = (p == 1 || p == 2) ? cropY >> desc.log2_chroma_h() : cropY;
            long offset = (long) rows * ls + srcOffsetBytes[p];
            srcData.put(p, offset == 0 ? base : base.getPointer(offset));
            srcStride.put(p, ls);
        }
        // destination: canvas plane pointers offset to the picture's top-left corner
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 0 : 1;
            long offset = (long) (dst.y() >> s) * painter.linesize[p] + (dst.x() >> s);
            dstData.put(p, painter.pointers[p].getPointer(offset));
            dstStride.put(p, painter.linesize[p]);
        }
        dstData.put(3, null);
        dstStride.put(3, 0);
        guard(painter, dst, true);
        int ret;
        try {
            ret = swscale.sws_scale(ctx, srcData, srcStride, 0, cropH, dstData, dstStride);
        } finally {
            guard(painter, dst, false);
        }
        return ret > 0 ? dst : null;
    }

    private SwsContext scaler(ScalerKey key) {
        SwsContext ctx = scalers.get(key);
        if (ctx == null) {
            ctx = swscale.sws_getContext(key.srcW(), key.srcH(), key.srcFormat(), key.dstW(), key.dstH(),
                    avutil.AV_PIX_FMT_YUV420P, key.flags(), null, null, (DoublePointer) null);
            if (ctx == null || ctx.isNull()) {
                return null;
            }
            scalers.put(key, ctx);
        }
        return ctx;
    }

    /**
     * Saves ({@code save}) or restores the {@link #GUARD_BYTES} bytes that follow each row of
     * {@code dst} in every plane, skipping bytes inside {@code dst} (where the row wraps onto the
     * next one) and bytes past the plane's last row (frame padding).
     */
    private void guard(CanvasPainter painter, Rect dst, boolean save) {
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 0 : 1;
            int x0 = dst.x() >> s;
            int x1 = (dst.x() + dst.width()) >> s;
            int y0 = dst.y() >> s;
            int y1 = (dst.y() + dst.height()) >> s;
            int ls = painter.linesize[p];
            ByteBuffer plane = painter.planes[p];
            int limit = plane.capacity();
            int need = (y1 - y0) * GUARD_BYTES;
            if (guard[p].length < need) {
                guard[p] = new byte[need];
            }
            byte[] keep = guard[p];
            int k = 0;
            for (int y = y0; y < y1; y++) {
                int start = y * ls + x1;
                int sameRow = Math.min(GUARD_BYTES, ls - x1);
                int n = Math.max(0, Math.min(sameRow, limit - start));
                if (save) {
                    plane.get(start, keep, k, n);
                } else {
                    plane.put(start, keep, k, n);
                }
                k += n;
                for (int j = sameRow; j < GUARD_BYTES; j++) { // wraps onto the next row
                    int q = start + j;
                    if (q >= limit) {
                        break;
                    }
                    int col = q - (y + 1) * ls;
                    boolean inside = y + 1 < y1 && col >= x0 && col < x1;
                    if (!inside) {
                        if (save) {
                            keep[k] = plane.get(q);
                        } else {
                            plane.put(q, keep[k]);
                        }
                    }
                    k++;
                }
            }
        }
    }

    private void drawPlaceholder(CanvasPainter painter, Rect rect, String name, int[] background) {
        painter.fill(rect, Yuv.fromRgb(placeholderRgb(background)));
        int textH = Layouts.even(Math.max(8, Math.min(rect.height() / 5, rect.width() / 6)));
        LabelRenderer.Mask mask = labels.render(name, rect.width() * 9 / 10, textH);
        if (mask.isEmpty() || mask.height() > rect.height()) {
            return;
        }
        int x = rect.x() + Layouts.even((rect.width() - mask.width()) / 2);
        int y = rect.y() + Layouts.even((rect.height() - mask.height()) / 2);
        painter.blendMask(x, y, mask, WHITE);
    }

    private void drawLabel(CanvasPainter painter, Rect content, String name) {
        int textH = Layouts.even(Math.min(content.height() / 8, Math.max(12, painter.height / 36)));
        if (textH < 8) {
            return;
        }
        int pad = Math.max(2, Layouts.even(textH / 4));
        int margin = pad;
        int maxText = content.width() - 2 * margin - 2 * pad;
        LabelRenderer.Mask mask = labels.render(name, Math.min(maxText, content.width() * 3 / 4), textH);
        if (mask.isEmpty()) {
            return;
        }
        int boxW = Layouts.even(mask.width() + 2 * pad + 1);
        int boxH = textH + 2 * pad;
        Rect box = new Rect(content.x() + margin, content.y() + content.height() - margin - boxH, boxW, boxH);
        if (!content.contains(box)) {
            return;
        }
        painter.blend(box, BLACK, LABEL_BOX_ALPHA);
        painter.blendMask(box.x() + pad, box.y() + pad, mask, WHITE);
    }
}
