package io.ams.engine.compose;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a composition looks like: the layout kind, the regions of a CUSTOM layout, how pictures
 * are fitted into tiles, whether the main speaker is highlighted, and the background colour.
 * Immutable; {@link #validate()} is the control-path check of values that came from the API.
 *
 * @param regions only used by {@link LayoutKind#CUSTOM}; null is taken as empty
 * @param fit null is taken as {@link Fit#LETTERBOX}
 * @param backgroundRgb 0xRRGGBB
 */
public record LayoutSpec(LayoutKind kind, List<Region> regions, Fit fit, boolean highlightSpeaker,
        int backgroundRgb) {

    /** Most regions a CUSTOM layout may have. */
    public static final int MAX_REGIONS = 100;

    public LayoutSpec {
        regions = regions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(regions));
        fit = fit == null ? Fit.LETTERBOX : fit;
    }

    /** A letterboxed grid on black, with the main speaker highlighted. */
    public static LayoutSpec grid() {
        return of(LayoutKind.GRID);
    }

    /** {@code kind}, letterboxed on black, with the main speaker highlighted and no regions. */
    public static LayoutSpec of(LayoutKind kind) {
        return new LayoutSpec(kind, List.of(), Fit.LETTERBOX, true, 0x000000);
    }

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field, its allowed range and the value found
     */
    public void validate() {
        if (kind == null) {
            throw new IllegalArgumentException("kind must be one of GRID, FILMSTRIP, SPEAKER, CUSTOM, was null");
        }
        if (backgroundRgb < 0 || backgroundRgb > 0xFFFFFF) {
            throw new IllegalArgumentException(String.format(
                    "backgroundRgb must be in 0x000000..0xFFFFFF, was 0x%X", backgroundRgb));
        }
        if (regions.size() > MAX_REGIONS) {
            throw new IllegalArgumentException("regions: at most " + MAX_REGIONS + " allowed, was " + regions.size());
        }
        if (kind == LayoutKind.CUSTOM && regions.isEmpty()) {
            throw new IllegalArgumentException("regions: a CUSTOM layout needs 1.." + MAX_REGIONS + " regions, was 0");
        }
        Map<String, Integer> named = new HashMap<>();
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            String name = "regions[" + i + "]";
            if (r == null) {
                throw new IllegalArgumentException(name + " must not be null");
            }
            checkFraction(name + ".x", r.x(), 0, 1);
            checkFraction(name + ".y", r.y(), 0, 1);
            checkSize(name + ".width", r.width(), 1 - r.x(), name + ".x");
            checkSize(name + ".height", r.height(), 1 - r.y(), name + ".y");
            String id = r.participantId();
            if (id != null && !id.isEmpty()) {
                Integer before = named.putIfAbsent(id, i);
                if (before != null) {
                    throw new IllegalArgumentException(name + ".participantId '" + id
                            + "' is already shown by regions[" + before + "]; each participant at most once");
                }
            }
        }
    }

    private static void checkFraction(String field, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + " (fraction of the canvas), was " + v);
        }
    }

    private static void checkSize(String field, double v, double room, String origin) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(field + " must be in (0, 1] (fraction of the canvas, > 0), was " + v);
        }
        if (v > room + 1e-9) {
            throw new IllegalArgumentException(field + " must be <= 1 - " + origin + " = " + room
                    + " so the region stays inside the canvas (0..1), was " + v);
        }
    }
}
