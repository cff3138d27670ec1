package io.ams.engine.compose;

/**
 * Where one participant appears on the canvas. Tiles are drawn in ascending {@code z}; tiles of
 * the same z never overlap.
 */
public record Tile(String participantId, Rect rect, int z, boolean highlighted) {
}
