package io.ams.sfu.engine;

import io.ams.proto.v1.LayoutKind;

/**
 * What the sidecar asks the engine for when it creates a room's mix.
 *
 * @param width   canvas width (even, 16..7680)
 * @param height  canvas height
 * @param fps     mix frame rate
 * @param bitrateKbps VP8 target bitrate of the mix
 * @param layout  GRID by default: every participant the same size in the PIP
 */
public record MixSettings(int width, int height, int fps, int bitrateKbps, LayoutKind layout) {
    public static MixSettings defaults() {
        return new MixSettings(960, 540, 30, 1200, LayoutKind.GRID);
    }
}
