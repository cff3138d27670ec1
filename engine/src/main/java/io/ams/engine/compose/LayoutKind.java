package io.ams.engine.compose;

/** How a composition arranges its participants; see {@link Layouts#compute}. */
public enum LayoutKind {
    /** Near-square grid of equal cells, in join order. */
    GRID,
    /** Main speaker large on top, the others in a strip below. */
    FILMSTRIP,
    /** Main speaker fills the canvas, the others are thumbnails overlaid along the bottom (PIP). */
    SPEAKER,
    /** Regions given through the API. */
    CUSTOM
}
