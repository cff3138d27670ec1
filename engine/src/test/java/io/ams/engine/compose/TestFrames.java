package io.ams.engine.compose;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import io.ams.engine.media.VideoFrame;

/** Builds test pictures and reads canvas pixels back. */
final class TestFrames {
    private TestFrames() {
    }

    /** A YUV420P frame of one colour, owned by the caller. */
    static VideoFrame solid(int w, int h, int rgb) {
        VideoFrame f = VideoFrame.allocateYuv420(w, h);
        fill(f, Yuv.fromRgb(rgb));
        return f;
    }

    static void fill(VideoFrame f, int[] yuv) {
        AVFrame a = f.avFrame();
        for (int p = 0; p < 3; p++) {
            int rows = p == 0 ? a.height() : (a.height() + 1) / 2;
            Pointer.memset(a.data(p), yuv[p], (long) a.linesize(p) * rows);
        }
    }

    /** A YUV420P frame with a 1-pixel black/white luma checkerboard and neutral chroma. */
    static VideoFrame checkerboard(int w, int h) {
        VideoFrame f = VideoFrame.allocateYuv420(w, h);
        fill(f, new int[] {0, 128, 128});
        AVFrame a = f.avFrame();
        BytePointer y = a.data(0);
        byte[] row = new byte[w];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                row[i] = (byte) (((i + j) & 1) == 0 ? 16 : 235);
            }
            y.position((long) j * a.linesize(0)).put(row);
        }
        y.position(0);
        return f;
    }

    static int y(VideoFrame f, int x, int yy) {
        AVFrame a = f.avFrame();
        return a.data(0).get((long) yy * a.linesize(0) + x) & 0xFF;
    }

    static int u(VideoFrame f, int x, int yy) {
        AVFrame a = f.avFrame();
        return a.data(1).get((long) (yy / 2) * a.linesize(1) + x / 2) & 0xFF;
    }

    static int v(VideoFrame f, int x, int yy) {
        AVFrame a = f.avFrame();
        return a.data(2).get((long) (yy / 2) * a.linesize(2) + x / 2) & 0xFF;
    }

    /** {y, u, v} at a luma position. */
    static int[] yuv(VideoFrame f, int x, int yy) {
        return new int[] {y(f, x, yy), u(f, x, yy), v(f, x, yy)};
    }

    /** Whether the pixel is within {@code tol} of the colour on each of Y, U and V. */
    static boolean near(VideoFrame f, int x, int yy, int rgb, int tol) {
        int[] want = Yuv.fromRgb(rgb);
        int[] got = yuv(f, x, yy);
        for (int i = 0; i < 3; i++) {
            if (Math.abs(want[i] - got[i]) > tol) {
                return false;
            }
        }
        return true;
    }

    static String describe(VideoFrame f, int x, int yy) {
        int[] got = yuv(f, x, yy);
        return "(" + x + "," + yy + ") yuv=" + got[0] + "," + got[1] + "," + got[2]
                + String.format(" ~rgb %06X", Yuv.toRgb(got[0], got[1], got[2]));
    }

    static int pixelFormatNv12() {
        return avutil.AV_PIX_FMT_NV12;
    }
}
