package io.ams.engine.testing;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

import io.ams.engine.media.VideoFrame;

/** A decoded YUV 4:2:0 picture copied to the Java heap, with pixel probes for assertions. */
public final class Picture {
    private final int width;
    private final int height;
    private final byte[] y;
    private final byte[] u;
    private final byte[] v;

    private Picture(int width, int height, byte[] y, byte[] u, byte[] v) {
        this.width = width;
        this.height = height;
        this.y = y;
        this.u = u;
        this.v = v;
    }

    /** Copies a YUV420P (or YUVJ420P) frame; the caller keeps its reference. */
    public static Picture of(VideoFrame frame) {
        AVFrame f = frame.avFrame();
        int fmt = f.format();
        if (fmt != avutil.AV_PIX_FMT_YUV420P && fmt != avutil.AV_PIX_FMT_YUVJ420P) {
            throw new IllegalArgumentException("expected YUV420P, got pixel format " + fmt);
        }
        int w = f.width();
        int h = f.height();
        byte[] y = new byte[w * h];
        byte[] u = new byte[(w / 2) * (h / 2)];
        byte[] v = new byte[(w / 2) * (h / 2)];
        for (int r = 0; r < h; r++) {
            f.data(0).position((long) r * f.linesize(0)).get(y, r * w, w);
        }
        for (int r = 0; r < h / 2; r++) {
            f.data(1).position((long) r * f.linesize(1)).get(u, r * (w / 2), w / 2);
            f.data(2).position((long) r * f.linesize(2)).get(v, r * (w / 2), w / 2);
        }
        f.data(0).position(0);
        f.data(1).position(0);
        f.data(2).position(0);
        return new Picture(w, h, y, u, v);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** {y, u, v} at (x, y). */
    public int[] yuv(int px, int py) {
        int c = (py / 2) * (width / 2) + px / 2;
        return new int[] {y[py * width + px] & 0xff, u[c] & 0xff, v[c] & 0xff};
    }

    /** Mean {y, u, v} over a rectangle. */
    public double[] meanYuv(int x0, int y0, int w, int h) {
        double sy = 0;
        double su = 0;
        double sv = 0;
        int n = 0;
        for (int py = y0; py < y0 + h; py++) {
            for (int px = x0; px < x0 + w; px++) {
                int[] p = yuv(px, py);
                sy += p[0];
                su += p[1];
                sv += p[2];
                n++;
            }
        }
        return new double[] {sy / n, su / n, sv / n};
    }

    /** Mean RGB (BT.601 limited range) over a rectangle, as {r, g, b}. */
    public double[] meanRgb(int x0, int y0, int w, int h) {
        double[] m = meanYuv(x0, y0, w, h);
        double c = m[0] - 16;
        double d = m[1] - 128;
        double e = m[2] - 128;
        double r = 1.164 * c + 1.596 * e;
        double g = 1.164 * c - 0.392 * d - 0.813 * e;
        double b = 1.164 * c + 2.017 * d;
        return new double[] {clamp(r), clamp(g), clamp(b)};
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }

    /** Distance between the mean RGB of a rectangle and an expected 0xRRGGBB colour (max channel error). */
    public double rgbError(int x0, int y0, int w, int h, int rgb) {
        double[] m = meanRgb(x0, y0, w, h);
        double er = Math.abs(m[0] - ((rgb >> 16) & 0xff));
        double eg = Math.abs(m[1] - ((rgb >> 8) & 0xff));
        double eb = Math.abs(m[2] - (rgb & 0xff));
        return Math.max(er, Math.max(eg, eb));
    }
}
