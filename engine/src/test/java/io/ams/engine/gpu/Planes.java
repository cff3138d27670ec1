package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.util.Random;

import org.bytedeco.ffmpeg.avutil.AVFrame;

import io.ams.engine.media.VideoFrame;

/** A YUV 4:2:0 picture as three tight byte arrays, with NV12 and YUV420P conversions and PSNR, for comparing GPU and CPU output. */
record Planes(int width, int height, byte[] y, byte[] u, byte[] v) {

    /** Copies the planes of a YUV420P frame. */
    static Planes of(VideoFrame frame) {
        AVFrame f = frame.avFrame();
        int w = f.width();
        int h = f.height();
        byte[] y = new byte[w * h];
        byte[] u = new byte[(w / 2) * (h / 2)];
        byte[] v = new byte[u.length];
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
        return new Planes(w, h, y, u, v);
    }

    /** Reads NV12 (Y rows then interleaved UV rows, {@code pitch} bytes per row) from {@code nv12}'s start. */
    static Planes fromNv12(ByteBuffer nv12, int w, int h, int pitch) {
        byte[] y = new byte[w * h];
        byte[] u = new byte[(w / 2) * (h / 2)];
        byte[] v = new byte[u.length];
        for (int r = 0; r < h; r++) {
            nv12.get(r * pitch, y, r * w, w);
        }
        int uvBase = pitch * h;
        for (int r = 0; r < h / 2; r++) {
            for (int c = 0; c < w / 2; c++) {
                u[r * (w / 2) + c] = nv12.get(uvBase + r * pitch + 2 * c);
                v[r * (w / 2) + c] = nv12.get(uvBase + r * pitch + 2 * c + 1);
            }
        }
        return new Planes(w, h, y, u, v);
    }

    /** Tight NV12 bytes (pitch = width). */
    byte[] toNv12() {
        byte[] out = new byte[width * height * 3 / 2];
        System.arraycopy(y, 0, out, 0, y.length);
        for (int i = 0; i < u.length; i++) {
            out[y.length + 2 * i] = u[i];
            out[y.length + 2 * i + 1] = v[i];
        }
        return out;
    }

    /** Writes these planes into a YUV420P frame of the same size. */
    void writeTo(VideoFrame frame) {
        AVFrame f = frame.avFrame();
        for (int r = 0; r < height; r++) {
            f.data(0).position((long) r * f.linesize(0)).put(y, r * width, width);
        }
        for (int r = 0; r < height / 2; r++) {
            f.data(1).position((long) r * f.linesize(1)).put(u, r * (width / 2), width / 2);
            f.data(2).position((long) r * f.linesize(2)).put(v, r * (width / 2), width / 2);
        }
        f.data(0).position(0);
        f.data(1).position(0);
        f.data(2).position(0);
    }

    VideoFrame toFrame() {
        VideoFrame f = VideoFrame.allocateYuv420(width, height);
        writeTo(f);
        return f;
    }

    /**
     * A smooth random picture (random gradients and low-frequency waves), every sample in 20..235:
     * non-zero everywhere and comparable after scaling with different bilinear implementations.
     */
    static Planes smoothRandom(Random rnd, int w, int h) {
        return new Planes(w, h, field(rnd, w, h), field(rnd, w / 2, h / 2), field(rnd, w / 2, h / 2));
    }

    private static byte[] field(Random rnd, int w, int h) {
        double base = 60 + rnd.nextInt(100);
        double gx = (rnd.nextDouble() - 0.5) * 80 / w;
        double gy = (rnd.nextDouble() - 0.5) * 80 / h;
        double fx = (1 + rnd.nextInt(3)) * 2 * Math.PI / w;
        double fy = (1 + rnd.nextInt(3)) * 2 * Math.PI / h;
        double px = rnd.nextDouble() * 6.28;
        double py = rnd.nextDouble() * 6.28;
        byte[] out = new byte[w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double val = base + gx * c + gy * r + 30 * Math.sin(fx * c + px) * Math.cos(fy * r + py);
                out[r * w + c] = (byte) Math.max(20, Math.min(235, (int) Math.round(val)));
            }
        }
        return out;
    }

    /** PSNR in dB of two planes of the same size (infinite when equal). */
    static double psnr(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("plane sizes differ: " + a.length + " vs " + b.length);
        }
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            se += (double) d * d;
        }
        if (se == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double mse = se / a.length;
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Samples that differ by more than {@code tolerance}. */
    static int countDiffering(byte[] a, byte[] b, int tolerance) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)) > tolerance) {
                n++;
            }
        }
        return n;
    }
}
