package io.ams.engine.compose;

/** How a picture whose aspect differs from its tile is fitted into the tile. */
public enum Fit {
    /** The whole picture, centred, with bars of the background colour. */
    LETTERBOX,
    /** The tile is filled; the overflow is cut off symmetrically. */
    CROP
}
