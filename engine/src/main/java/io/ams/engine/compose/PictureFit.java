package io.ams.engine.compose;

import java.util.List;

/**
 * The pure geometry of drawing one picture into one tile, shared by {@link CpuCompositor} and the
 * GPU tile table ({@code io.ams.engine.gpu.TileTable}) so both backends put every pixel in the
 * same place: where the picture goes (letterbox or crop), which scaling filter it gets, the
 * border strips of a highlighted tile and the clipping of tiles to the canvas. Stateless.
 */
public final class PictureFit {
    private PictureFit() {
    }

    /**
     * Where a picture is drawn.
     *
     * @param cropX left edge of the part of the source used (0 unless cropped)
     * @param cropY top edge of the part of the source used
     * @param cropWidth width of the part of the source used
     * @param cropHeight height of the part of the source used
     * @param dst the canvas rectangle the used part is scaled into (inside the tile)
     */
    public record Placement(int cropX, int cropY, int cropWidth, int cropHeight, Rect dst) {
        /** Whether the source is shrunk by more than 2x in either direction: area filter, not bilinear. */
        public boolean areaFilter() {
            return downscaledMoreThan2x(cropWidth, cropHeight, dst.width(), dst.height());
        }
    }

    /**
     * Fits a {@code srcWidth x srcHeight} picture into {@code tile}.
     *
     * <p>{@link Fit#LETTERBOX}: the whole picture, scaled to fit and centred, even position and
     * size, at least 2x2. {@link Fit#CROP}: the picture fills the tile; the overflow is cut
     * symmetrically, the crop's offset rounded down to {@code alignX}/{@code alignY} (chroma
     * alignment); without {@code canOffset} (hardware or bitstream formats) the whole picture is
     * squeezed in instead.
     */
    public static Placement place(int srcWidth, int srcHeight, Rect tile, Fit fit, int alignX, int alignY,
            boolean canOffset) {
        return place(srcWidth, srcHeight, tile, fit, alignX, alignY, canOffset, 0.5, 0.5);
    }

    /**
     * As above, a {@link Fit#CROP} centred on ({@code focusX}, {@code focusY}), fractions of the picture (a face
     * found there), as far as the picture reaches: the crop never leaves it.
     */
    public static Placement place(int srcWidth, int srcHeight, Rect tile, Fit fit, int alignX, int alignY,
            boolean canOffset, double focusX, double focusY) {
        int sw = srcWidth;
        int sh = srcHeight;
        if (fit == Fit.CROP) {
            if (!canOffset) {
                return new Placement(0, 0, sw, sh, tile);
            }
            int cropX = 0;
            int cropY = 0;
            int cropW = sw;
            int cropH = sh;
            if ((long) sw * tile.height() > (long) tile.width() * sh) {
                cropW = (int) Math.max(1, Math.min(sw, Math.round((double) sh * tile.width() / tile.height())));
                cropX = offset(sw, cropW, focusX) / alignX * alignX;
            } else {
                cropH = (int) Math.max(1, Math.min(sh, Math.round((double) sw * tile.height() / tile.width())));
                cropY = offset(sh, cropH, focusY) / alignY * alignY;
            }
            return new Placement(cropX, cropY, cropW, cropH, tile);
        }
        double scale = Math.min((double) tile.width() / sw, (double) tile.height() / sh);
        int dw = Math.max(2, Math.min(tile.width(), Layouts.roundEven(sw * scale)));
        int dh = Math.max(2, Math.min(tile.height(), Layouts.roundEven(sh * scale)));
        Rect dst = new Rect(tile.x() + Layouts.even((tile.width() - dw) / 2),
                tile.y() + Layouts.even((tile.height() - dh) / 2), dw, dh);
        return new Placement(0, 0, sw, sh, dst);
    }

    /** The crop's start so that {@code focus} (a fraction of {@code size}) is in its middle, within 0..size-crop. */
    private static int offset(int size, int crop, double focus) {
        double f = Double.isFinite(focus) ? Math.max(0, Math.min(1, focus)) : 0.5;
        return (int) Math.max(0, Math.min(size - crop, Math.round(f * size - crop / 2.0)));
    }

    /** Whether scaling {@code srcW x srcH} to {@code dstW x dstH} shrinks by more than 2x in either direction. */
    public static boolean downscaledMoreThan2x(int srcW, int srcH, int dstW, int dstH) {
        return srcW > 2 * dstW || srcH > 2 * dstH;
    }

    /**
     * The strips of a frame of thickness {@code t} (even) drawn inside {@code r}: top, bottom,
     * left, right, not overlapping; the whole of {@code r} when it is too small for a frame.
     */
    public static List<Rect> borderStrips(Rect r, int t) {
        int tt = Math.min(t, Math.min(r.width(), r.height()) / 2 & ~1);
        if (tt <= 0) {
            return List.of(r);
        }
        return List.of(
                new Rect(r.x(), r.y(), r.width(), tt),
                new Rect(r.x(), r.y() + r.height() - tt, r.width(), tt),
                new Rect(r.x(), r.y() + tt, tt, r.height() - 2 * tt),
                new Rect(r.x() + r.width() - tt, r.y() + tt, tt, r.height() - 2 * tt));
    }

    /** {@code r} clipped to a {@code width x height} canvas and to even coordinates; null when nothing is left. */
    public static Rect clip(Rect r, int width, int height) {
        int x0 = Math.max(0, r.x()) & ~1;
        int y0 = Math.max(0, r.y()) & ~1;
        int x1 = Math.min(width & ~1, r.x() + r.width()) & ~1;
        int y1 = Math.min(height & ~1, r.y() + r.height()) & ~1;
        return x1 > x0 && y1 > y0 ? new Rect(x0, y0, x1 - x0, y1 - y0) : null;
    }
}
