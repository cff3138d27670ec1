package io.ams.engine.compose;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Layouts as pure functions from (spec, participants, main speaker, canvas) to tiles.
 *
 * <p>Every rectangle returned lies inside the canvas, is non-empty and has even x, y, width and
 * height (4:2:0 chroma); tiles of the same z never overlap. The list is ordered by ascending z.
 */
public final class Layouts {
    /** Smallest canvas side accepted. */
    public static final int MIN_CANVAS = 16;
    /** The id of a room's content tile (a document page): '#' is not allowed in participant ids. */
    public static final String CONTENT_ID = "#content";
    /** Fraction of the canvas height taken by the main speaker in FILMSTRIP. */
    static final double FILMSTRIP_MAIN = 0.75;
    /** Fraction of the canvas height that SPEAKER thumbnails may cover, at most. */
    static final double SPEAKER_THUMB_AREA = 0.4;
    /** Largest SPEAKER thumbnail height, as a fraction of the canvas height. */
    static final double SPEAKER_THUMB_MAX = 0.2;

    private Layouts() {
    }

    /**
     * Computes the tiles of a composition.
     *
     * @param participantIds in join order; duplicates and nulls are ignored
     * @param mainSpeakerId the main speaker; null (or someone not in the list) means the first
     *     participant
     * @return tiles in ascending z; empty when there is no participant
     * @throws IllegalArgumentException when the spec is invalid ({@link LayoutSpec#validate()}),
     *     the canvas is smaller than {@value #MIN_CANVAS} pixels a side, or too small to give
     *     every participant a tile
     */
    public static List<Tile> compute(LayoutSpec spec, List<String> participantIds, String mainSpeakerId,
            int canvasWidth, int canvasHeight) {
        Objects.requireNonNull(spec, "spec");
        spec.validate();
        if (canvasWidth < MIN_CANVAS || canvasHeight < MIN_CANVAS) {
            throw new IllegalArgumentException("canvas must be at least " + MIN_CANVAS + "x" + MIN_CANVAS
                    + ", was " + canvasWidth + "x" + canvasHeight);
        }
        List<String> ids = distinct(participantIds);
        if (ids.isEmpty()) {
            return List.of();
        }
        String main = mainSpeakerId != null && ids.contains(mainSpeakerId) ? mainSpeakerId : ids.get(0);
        int w = even(canvasWidth);
        int h = even(canvasHeight);
        int gap = Math.max(2, even(h / 180));
        Layouts.Builder out = new Builder(spec.highlightSpeaker() ? main : null);
        switch (spec.kind()) {
            case GRID -> grid(out, ids, w, h, gap);
            case FILMSTRIP -> filmstrip(out, ids, main, w, h, gap);
            case SPEAKER -> speaker(out, ids, main, w, h, gap);
            case CUSTOM -> custom(out, spec.regions(), ids, w, h);
        }
        return List.copyOf(out.tiles);
    }

    private static void grid(Builder out, List<String> ids, int w, int h, int gap) {
        int n = ids.size();
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int g = gap;
        int cellW = even((w - g * (cols + 1)) / cols);
        int cellH = even((h - g * (rows + 1)) / rows);
        if (cellW < 2 || cellH < 2) {
            g = 0;
            cellW = even(w / cols);
            cellH = even(h / rows);
        }
        requireRoom(cellW, cellH, n, w, h);
        List<Rect> rects = rows(n, cols, cellW, cellH, g, new Rect(0, 0, w, h), false);
        for (int i = 0; i < n; i++) {
            out.add(ids.get(i), rects.get(i), 0);
        }
    }

    private static void filmstrip(Builder out, List<String> ids, String main, int w, int h, int gap) {
        if (ids.size() == 1) {
            out.add(main, new Rect(0, 0, w, h), 0);
            return;
        }
        int mainH = even((int) (h * FILMSTRIP_MAIN));
        out.add(main, new Rect(0, 0, w, mainH), 0);
        List<String> others = without(ids, main);
        Rect strip = new Rect(0, mainH, w, h - mainH);
        List<Rect> rects = thumbnails(others.size(), strip, gap, (double) w / h, strip.height(), false, w, h);
        for (int i = 0; i < others.size(); i++) {
            out.add(others.get(i), rects.get(i), 0);
        }
    }

    private static void speaker(Builder out, List<String> ids, String main, int w, int h, int gap) {
        out.add(main, new Rect(0, 0, w, h), 0);
        List<String> others = without(ids, main);
        if (others.isEmpty()) {
            return;
        }
        int areaH = even((int) (h * SPEAKER_THUMB_AREA));
        Rect area = new Rect(0, h - areaH, w, areaH);
        int maxThumbH = even((int) (h * SPEAKER_THUMB_MAX));
        List<Rect> rects = thumbnails(others.size(), area, gap, (double) w / h, maxThumbH, true, w, h);
        for (int i = 0; i < others.size(); i++) {
            out.add(others.get(i), rects.get(i), 1);
        }
    }

    private static void custom(Builder out, List<Region> regions, List<String> ids, int w, int h) {
        String[] assigned = new String[regions.size()];
        LinkedHashSet<String> unassigned = new LinkedHashSet<>(ids);
        for (int i = 0; i < regions.size(); i++) {
            String id = regions.get(i).participantId();
            if (id != null && !id.isEmpty() && unassigned.remove(id)) {
                assigned[i] = id;
            }
        }
        var next = unassigned.iterator();
        for (int i = 0; i < regions.size(); i++) {
            String id = regions.get(i).participantId();
            if ((id == null || id.isEmpty()) && next.hasNext()) {
                assigned[i] = next.next();
            }
        }
        for (int i = 0; i < regions.size(); i++) {
            if (assigned[i] != null) {
                out.add(assigned[i], toPixels(regions.get(i), w, h), i);
            }
        }
    }

    /** A region scaled to canvas pixels, rounded to even and clamped inside the canvas, at least 2x2. */
    static Rect toPixels(Region r, int w, int h) {
        int x = Math.min(roundEven(r.x() * w), w - 2);
        int y = Math.min(roundEven(r.y() * h), h - 2);
        int rw = Math.max(2, Math.min(roundEven(r.width() * w), w - x));
        int rh = Math.max(2, Math.min(roundEven(r.height() * h), h - y));
        return new Rect(x, y, rw, rh);
    }

    /**
     * {@code m} equal rectangles with the canvas aspect, as large as fits in {@code area} (no taller
     * than {@code maxH}), in rows of equal count, each row centred horizontally. Rows go top-down
     * and are centred vertically, or start at the bottom and grow upward when {@code bottomUp}.
     */
    private static List<Rect> thumbnails(int m, Rect area, int gap, double aspect, int maxH, boolean bottomUp,
            int canvasW, int canvasH) {
        int bestW = 0;
        int bestH = 0;
        int bestCols = 0;
        int g = gap;
        for (int attempt = 0; attempt < 2 && bestW == 0; attempt++) {
            for (int rows = 1; rows <= m; rows++) {
                int cols = (m + rows - 1) / rows;
                if (rows > 1 && (m + rows - 2) / (rows - 1) == cols) {
                    continue; // same columns as fewer rows: only smaller
                }
                int cellW = (area.width() - g * (cols + 1)) / cols;
                int cellH = (area.height() - g * (rows + 1)) / rows;
                int th = even(Math.min(Math.min(cellH, maxH), (int) Math.floor(cellW / aspect)));
                int tw = even(Math.min(cellW, (int) Math.floor(th * aspect)));
                if (tw >= 2 && th >= 2 && (long) tw * th > (long) bestW * bestH) {
                    bestW = tw;
                    bestH = th;
                    bestCols = cols;
                }
            }
            if (bestW == 0) {
                g = 0;
            }
        }
        requireRoom(bestW, bestH, m, canvasW, canvasH);
        return rows(m, bestCols, bestW, bestH, g, area, bottomUp);
    }

    /** Lays out {@code n} cells of one size in rows of {@code cols}, each row centred, the last one partial. */
    private static List<Rect> rows(int n, int cols, int cellW, int cellH, int gap, Rect area, boolean bottomUp) {
        int rows = (n + cols - 1) / cols;
        int totalH = rows * cellH + (rows - 1) * gap;
        int top = area.y() + even((area.height() - totalH) / 2);
        List<Rect> rects = new ArrayList<>(n);
        for (int r = 0; r < rows; r++) {
            int k = r == rows - 1 ? n - cols * (rows - 1) : cols;
            int rowW = k * cellW + (k - 1) * gap;
            int x0 = area.x() + even((area.width() - rowW) / 2);
            int y = bottomUp
                    ? area.y() + area.height() - gap - (r + 1) * cellH - r * gap
                    : top + r * (cellH + gap);
            for (int c = 0; c < k; c++) {
                rects.add(new Rect(x0 + c * (cellW + gap), y, cellW, cellH));
            }
        }
        return rects;
    }

    private static void requireRoom(int cellW, int cellH, int n, int w, int h) {
        if (cellW < 2 || cellH < 2) {
            throw new IllegalArgumentException("canvas " + w + "x" + h + " is too small for " + n + " tiles");
        }
    }

    private static List<String> distinct(Collection<String> ids) {
        List<String> out = new ArrayList<>();
        if (ids == null) {
            return out;
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String id : ids) {
            if (id != null && seen.add(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static List<String> without(List<String> ids, String main) {
        List<String> out = new ArrayList<>(ids);
        out.remove(main);
        return out;
    }

    static int even(int v) {
        return v & ~1;
    }

    static int roundEven(double v) {
        return (int) Math.round(v / 2) * 2;
    }

    /** Collects tiles and marks the main speaker's. */
    private static final class Builder {
        final List<Tile> tiles = new ArrayList<>();
        final String highlighted;

        Builder(String highlighted) {
            this.highlighted = highlighted;
        }

        void add(String id, Rect rect, int z) {
            tiles.add(new Tile(id, rect, z, id.equals(highlighted)));
        }
    }
}
