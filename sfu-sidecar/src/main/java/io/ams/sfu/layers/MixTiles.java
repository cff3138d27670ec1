package io.ams.sfu.layers;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;

/**
 * How many lines of a camera the mix needs: the height of the participant's tile in the engine's
 * layout, limited by what a 16:9 camera fills of it when letterboxed. It mirrors the engine's layouts
 * closely enough to choose a layer (GRID: near-square grid of equal cells; FILMSTRIP: the main speaker
 * on three quarters of the height, the others in a row below; SPEAKER: the main speaker full size,
 * thumbnails a quarter high; CUSTOM: unknown, so the full height).
 */
public final class MixTiles {
    private MixTiles() {
    }

    /**
     * @param participants cameras in the mix (at least 1)
     * @param main         whether this camera is the main speaker's
     */
    public static int neededHeight(MixSettings mix, int participants, boolean main) {
        int n = Math.max(1, participants);
        int w = mix.width();
        int h = mix.height();
        LayoutKind kind = mix.layout() == null ? LayoutKind.GRID : mix.layout();
        return switch (kind) {
            case FILMSTRIP -> main ? fill(w, h * 3 / 4) : fill(w / Math.max(1, n - 1), h / 4);
            case SPEAKER -> main ? fill(w, h) : fill(w / 4, h / 4);
            case CUSTOM -> h;
            default -> {
                int cols = (int) Math.ceil(Math.sqrt(n));
                int rows = (n + cols - 1) / cols;
                yield fill(w / cols, h / rows);
            }
        };
    }

    private static int fill(int cellW, int cellH) {
        return Math.max(1, Math.min(cellH, cellW * 9 / 16));
    }
}
