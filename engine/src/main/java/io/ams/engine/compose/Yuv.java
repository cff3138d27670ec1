package io.ams.engine.compose;

/**
 * BT.601 limited-range ("TV range": Y 16..235, U/V 16..240) conversions between 0xRRGGBB and
 * Y'CbCr, the colour space of the canvas and of what decoders give us.
 */
public final class Yuv {
    private Yuv() {
    }

    /** {y, u, v} of an 0xRRGGBB colour (the top byte is ignored). */
    public static int[] fromRgb(int rgb) {
        double r = (rgb >> 16) & 0xFF;
        double g = (rgb >> 8) & 0xFF;
        double b = rgb & 0xFF;
        int y = clamp(Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255));
        int u = clamp(Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255));
        int v = clamp(Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255));
        return new int[] {y, u, v};
    }

    /** 0xRRGGBB of a limited-range Y'CbCr triple (components are clamped to 0..255 first). */
    public static int toRgb(int y, int u, int v) {
        double c = 255.0 / 219 * (clamp(y) - 16);
        double d = clamp(u) - 128;
        double e = clamp(v) - 128;
        int r = clamp(Math.round(c + 255.0 / 224 * 1.402 * e));
        int g = clamp(Math.round(c - 255.0 / 224 * (1.772 * 0.114 / 0.587) * d
                - 255.0 / 224 * (1.402 * 0.299 / 0.587) * e));
        int b = clamp(Math.round(c + 255.0 / 224 * 1.772 * d));
        return (r << 16) | (g << 8) | b;
    }

    private static int clamp(long v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
