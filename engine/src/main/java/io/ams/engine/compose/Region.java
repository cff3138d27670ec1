package io.ams.engine.compose;

/**
 * One region of a {@link LayoutKind#CUSTOM} layout, in fractions (0..1) of the canvas.
 *
 * @param participantId who is shown there; null or empty means the next participant, in join
 *     order, that no region names
 */
public record Region(double x, double y, double width, double height, String participantId) {
}
