package io.ams.sfu.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import org.junit.jupiter.api.Test;

class MixTilesTest {
    private static MixSettings mix(int w, int h, LayoutKind kind) {
        return new MixSettings(w, h, 30, 1200, kind);
    }

    private static final MixSettings GRID_720 = mix(1280, 720, LayoutKind.GRID);

    @Test
    void gridOfOneIsTheFullPicture() {
        assertThat(MixTiles.neededHeight(GRID_720, 1, false)).isEqualTo(720);
        assertThat(MixTiles.neededHeight(GRID_720, 0, false)).as("at least one").isEqualTo(720);
    }

    @Test
    void gridOfThreeIsTwoByTwo() {
        assertThat(MixTiles.neededHeight(GRID_720, 3, false)).isEqualTo(360);
        assertThat(MixTiles.neededHeight(GRID_720, 4, true)).as("main does not matter in a grid").isEqualTo(360);
    }

    @Test
    void gridOf25IsFiveByFive() {
        assertThat(MixTiles.neededHeight(GRID_720, 25, false)).isEqualTo(144);
        assertThat(MixTiles.neededHeight(GRID_720, 26, false)).as("6x5: cells 213x144, letterboxed to 119").isEqualTo(119);
    }

    @Test
    void letterboxedByTheCellWidth() {
        // two side by side: cells 640x720, a 16:9 camera fills 640x360 of them
        assertThat(MixTiles.neededHeight(GRID_720, 2, false)).isEqualTo(360);
        // a tall canvas: one cell 720x1280, the camera fills 405 lines
        assertThat(MixTiles.neededHeight(mix(720, 1280, LayoutKind.GRID), 1, false)).isEqualTo(405);
        // a very wide canvas: the height limits
        assertThat(MixTiles.neededHeight(mix(1920, 360, LayoutKind.GRID), 1, false)).isEqualTo(360);
    }

    @Test
    void nullLayoutIsAGrid() {
        assertThat(MixTiles.neededHeight(mix(1280, 720, null), 3, false)).isEqualTo(360);
        assertThat(MixTiles.neededHeight(mix(1280, 720, LayoutKind.LAYOUT_UNSPECIFIED), 3, false)).isEqualTo(360);
    }

    @Test
    void speakerMainIsFullSizeOthersAQuarter() {
        MixSettings m = mix(1280, 720, LayoutKind.SPEAKER);
        assertThat(MixTiles.neededHeight(m, 4, true)).isEqualTo(720);
        assertThat(MixTiles.neededHeight(m, 4, false)).isEqualTo(180);
    }

    @Test
    void filmstripMainThreeQuartersOthersInARow() {
        MixSettings m = mix(1280, 720, LayoutKind.FILMSTRIP);
        assertThat(MixTiles.neededHeight(m, 4, true)).isEqualTo(540);
        assertThat(MixTiles.neededHeight(m, 2, false)).as("one thumbnail, the row's height limits").isEqualTo(180);
        assertThat(MixTiles.neededHeight(m, 9, false)).as("eight thumbnails of 160 wide").isEqualTo(90);
        assertThat(MixTiles.neededHeight(m, 1, false)).isEqualTo(180);
    }

    @Test
    void customIsTheFullHeight() {
        MixSettings m = mix(1280, 720, LayoutKind.CUSTOM);
        assertThat(MixTiles.neededHeight(m, 9, false)).isEqualTo(720);
        assertThat(MixTiles.neededHeight(m, 9, true)).isEqualTo(720);
    }

    @Test
    void neverBelowOneLine() {
        assertThat(MixTiles.neededHeight(mix(16, 16, LayoutKind.GRID), 25, false)).isEqualTo(1);
    }
}
