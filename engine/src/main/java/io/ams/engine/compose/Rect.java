package io.ams.engine.compose;

/** A rectangle of canvas pixels: top-left corner and size. */
public record Rect(int x, int y, int width, int height) {

    /** Whether the two rectangles share at least one pixel. */
    public boolean intersects(Rect other) {
        return x < other.x + other.width && other.x < x + width
                && y < other.y + other.height && other.y < y + height
                && width > 0 && height > 0 && other.width > 0 && other.height > 0;
    }

    /** Whether {@code other} lies entirely inside this rectangle. */
    public boolean contains(Rect other) {
        return other.x >= x && other.y >= y
                && other.x + other.width <= x + width
                && other.y + other.height <= y + height;
    }

    public int area() {
        return width * height;
    }
}
