package io.ams.engine.compose;

import io.ams.engine.media.VideoFrame;

/**
 * A moving test pattern for synthetic participants (the demo, benchmarks): a solid colour
 * field, a white box bouncing across it, a frame counter bar, and the participant's name. Each
 * participant gets a distinct colour so the mix shows at a glance who is where.
 */
public final class TestPattern {
    private final LabelRenderer labels = new LabelRenderer();

    /** Draws frame {@code index} into {@code frame} (YUV420P, caller-owned). */
    public void draw(VideoFrame frame, int rgb, String name, long index) {
        CanvasPainter p = new CanvasPainter(frame.avFrame());
        int w = p.width;
        int h = p.height;
        p.fill(new Rect(0, 0, w, h), Yuv.fromRgb(rgb));
        int box = even(Math.max(8, h / 5));
        int travelX = Math.max(2, w - box);
        int travelY = Math.max(2, h - box);
        int x = even((int) bounce(index * 6L, travelX));
        int y = even((int) bounce(index * 4L, travelY));
        p.fill(new Rect(x, y, box, box), Yuv.fromRgb(0xFFFFFF));
        // a progress bar along the bottom: one full sweep every 60 frames
        int barH = even(Math.max(2, h / 60));
        int barW = even((int) ((index % 60) * (long) w / 60));
        if (barW > 0) {
            p.fill(new Rect(0, h - barH, barW, barH), Yuv.fromRgb(0x202020));
        }
        LabelRenderer.Mask m = labels.render(name, w - 8, even(Math.max(8, h / 8)));
        if (!m.isEmpty()) {
            p.blendMask(even((w - m.width()) / 2), even(h / 12), m, Yuv.fromRgb(0xFFFFFF));
        }
    }

    private static long bounce(long t, int span) {
        long period = 2L * span;
        long m = t % period;
        return m < span ? m : period - m;
    }

    private static int even(int v) {
        return v & ~1;
    }
}
