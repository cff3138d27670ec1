package io.ams.bench;

import java.nio.ByteBuffer;

import org.bytedeco.ffmpeg.avutil.AVFrame;

import io.ams.engine.media.VideoFrame;

/**
 * Non-uniform YUV420P source pictures for the benchmarks: a diagonal luma gradient with a
 * per-source slope and phase, and chroma ramps whose base differs per source, so that no two
 * tiles look alike and the scaler cannot take a flat-picture shortcut.
 */
final class SourcePictures {
    private SourcePictures() {
    }

    /** A new frame (owned by the caller) of {@code width}x{@code height} drawn for source {@code index}. */
    static VideoFrame gradient(int width, int height, int index) {
        VideoFrame f = VideoFrame.allocateYuv420(width, height);
        try {
            AVFrame av = f.avFrame();
            fill(av, 0, width, height, (x, y) -> 16 + (x * (index + 1) + y * (index + 2) + 29 * index) % 220);
            fill(av, 1, width / 2, height / 2, (x, y) -> 64 + (x + 37 * index) % 128);
            fill(av, 2, width / 2, height / 2, (x, y) -> 64 + (y * 2 + 53 * index) % 128);
        } catch (RuntimeException e) {
            f.release();
            throw e;
        }
        return f;
    }

    private interface Pixel {
        int at(int x, int y);
    }

    private static void fill(AVFrame av, int plane, int w, int h, Pixel pixel) {
        int ls = av.linesize(plane);
        ByteBuffer buf = av.data(plane).capacity((long) ls * h).asByteBuffer();
        byte[] row = new byte[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                row[x] = (byte) pixel.at(x, y);
            }
            buf.put(y * ls, row, 0, w);
        }
    }
}
