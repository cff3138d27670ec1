package io.ams.engine.codec;

import io.ams.engine.media.VideoFrame;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * A Y'CbCr colour (BT.601, limited range) and helpers to paint and sample YUV420P pictures:
 * the content checks of codec, mixing and file tests.
 */
public record YuvColor(int y, int u, int v) {
    public static final YuvColor RED = new YuvColor(81, 90, 240);
    public static final YuvColor GREEN = new YuvColor(145, 54, 34);
    public static final YuvColor BLUE = new YuvColor(41, 240, 110);
    public static final YuvColor WHITE = new YuvColor(235, 128, 128);

    /** A new YUV420P frame of one solid colour, owned by the caller. */
    public static VideoFrame solid(int width, int height, YuvColor color) {
        VideoFrame frame = VideoFrame.allocateYuv420(width, height);
        fill(frame, color);
        return frame;
    }

    /** Paints all of {@code frame} (YUV420P) with {@code color}. */
    public static void fill(VideoFrame frame, YuvColor color) {
        AVFrame f = frame.avFrame();
        int[] values = {color.y, color.u, color.v};
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? f.width() : (f.width() + 1) / 2;
            int h = plane == 0 ? f.height() : (f.height() + 1) / 2;
            byte[] row = new byte[w];
            java.util.Arrays.fill(row, (byte) values[plane]);
            int stride = f.linesize(plane);
            BytePointer data = f.data(plane);
            for (int r = 0; r < h; r++) {
                data.position((long) r * stride).put(row, 0, w);
            }
        }
    }

    /** The colour of the pixel at (x, y) of a YUV 4:2:0 planar frame (yuv420p or yuvj420p). */
    public static YuvColor at(VideoFrame frame, int x, int y) {
        AVFrame f = frame.avFrame();
        int fmt = f.format();
        if (fmt != avutil.AV_PIX_FMT_YUV420P && fmt != avutil.AV_PIX_FMT_YUVJ420P) {
            throw new IllegalArgumentException("not a 4:2:0 planar frame: format " + fmt);
        }
        int luma = f.data(0).get((long) y * f.linesize(0) + x) & 0xff;
        int cb = f.data(1).get((long) (y / 2) * f.linesize(1) + x / 2) & 0xff;
        int cr = f.data(2).get((long) (y / 2) * f.linesize(2) + x / 2) & 0xff;
        return new YuvColor(luma, cb, cr);
    }

    /** The colour at the centre of {@code frame}. */
    public static YuvColor centre(VideoFrame frame) {
        return at(frame, frame.width() / 2, frame.height() / 2);
    }

    /** True if every component differs from {@code other}'s by at most {@code tolerance}. */
    public boolean near(YuvColor other, int tolerance) {
        return Math.abs(y - other.y) <= tolerance && Math.abs(u - other.u) <= tolerance
                && Math.abs(v - other.v) <= tolerance;
    }
}
