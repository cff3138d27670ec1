package io.ams.engine.compose;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Pixel drawing on a YUV420P canvas through direct buffers over its planes (no copy, no JNI per
 * row): fills, translucent boxes, alpha masks. Borrowed for one composite call; rectangles are
 * in luma pixels with even coordinates and are clipped to the canvas.
 */
final class CanvasPainter {
    final int width;
    final int height;
    /** Planes Y, U, V of the canvas, borrowed for one call. */
    final ByteBuffer[] planes = new ByteBuffer[3];
    /** The same planes as native pointers (for libswscale). */
    final BytePointer[] pointers = new BytePointer[3];
    final int[] linesize = new int[3];
    private byte[] row = new byte[0];

    CanvasPainter(AVFrame canvas) {
        width = canvas.width();
        height = canvas.height();
        for (int p = 0; p < 3; p++) {
            linesize[p] = canvas.linesize(p);
            int rows = p == 0 ? height : (height + 1) / 2;
            pointers[p] = canvas.data(p).capacity((long) linesize[p] * rows);
            planes[p] = pointers[p].asByteBuffer();
        }
    }

    /** Fills a rectangle with one colour {y, u, v}. */
    void fill(Rect r, int[] yuv) {
        Rect c = clip(r);
        if (c == null) {
            return;
        }
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 0 : 1;
            int x0 = c.x() >> s;
            int w = c.width() >> s;
            if (row.length < w) {
                row = new byte[Math.max(w, width)];
            }
            Arrays.fill(row, 0, w, (byte) yuv[p]);
            for (int y = c.y() >> s, end = (c.y() + c.height()) >> s; y < end; y++) {
                planes[p].put(y * linesize[p] + x0, row, 0, w);
            }
        }
    }

    /** Blends a rectangle toward a colour with a constant alpha 0..255. */
    void blend(Rect r, int[] yuv, int alpha) {
        Rect c = clip(r);
        if (c == null) {
            return;
        }
        for (int p = 0; p < 3; p++) {
            int s = p == 0 ? 0 : 1;
            int x0 = c.x() >> s;
            int w = c.width() >> s;
            for (int y = c.y() >> s, end = (c.y() + c.height()) >> s; y < end; y++) {
                int base = y * linesize[p] + x0;
                for (int x = 0; x < w; x++) {
                    blendAt(planes[p], base + x, yuv[p], alpha);
                }
            }
        }
    }

    /** Blends a colour through an alpha mask whose top-left corner is at (x, y); x and y even. */
    void blendMask(int x, int y, LabelRenderer.Mask mask, int[] yuv) {
        int w = Math.min(mask.width(), width - x);
        int h = Math.min(mask.height(), height - y);
        if (w <= 0 || h <= 0 || x < 0 || y < 0) {
            return;
        }
        ByteBuffer luma = planes[0];
        for (int j = 0; j < h; j++) {
            int base = (y + j) * linesize[0] + x;
            for (int i = 0; i < w; i++) {
                int a = mask.alphaAt(i, j);
                if (a != 0) {
                    blendAt(luma, base + i, yuv[0], a);
                }
            }
        }
        for (int j = 0; j < h / 2; j++) {
            int base1 = ((y >> 1) + j) * linesize[1] + (x >> 1);
            int base2 = ((y >> 1) + j) * linesize[2] + (x >> 1);
            for (int i = 0; i < w / 2; i++) {
                int a = (mask.alphaAt(2 * i, 2 * j) + mask.alphaAt(2 * i + 1, 2 * j)
                        + mask.alphaAt(2 * i, 2 * j + 1) + mask.alphaAt(2 * i + 1, 2 * j + 1) + 2) / 4;
                if (a != 0) {
                    blendAt(planes[1], base1 + i, yuv[1], a);
                    blendAt(planes[2], base2 + i, yuv[2], a);
                }
            }
        }
    }

    /** Draws a frame of thickness {@code t} (even) inside {@code r}. */
    void border(Rect r, int t, int[] yuv) {
        for (Rect strip : PictureFit.borderStrips(r, t)) {
            fill(strip, yuv);
        }
    }

    /** {@code r} clipped to the canvas and to even coordinates; null when nothing is left. */
    Rect clip(Rect r) {
        return PictureFit.clip(r, width, height);
    }

    private static void blendAt(ByteBuffer b, int i, int target, int alpha) {
        int v = b.get(i) & 0xFF;
        b.put(i, (byte) (v + ((target - v) * alpha + (target >= v ? 127 : -127)) / 255));
    }
}
