package io.ams.engine.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

class YuvTest {
    @Test
    void bt601LimitedRangeReferenceColours() {
        assertThat(Yuv.fromRgb(0xFFFFFF)).containsExactly(235, 128, 128);
        assertThat(Yuv.fromRgb(0x000000)).containsExactly(16, 128, 128);
        assertThat(Yuv.fromRgb(0xFF0000)).containsExactly(81, 90, 240);
        assertThat(Yuv.fromRgb(0x00FF00)).containsExactly(145, 54, 34);
        assertThat(Yuv.fromRgb(0x0000FF)).containsExactly(41, 240, 110);
        assertThat(Yuv.toRgb(235, 128, 128)).isEqualTo(0xFFFFFF);
        assertThat(Yuv.toRgb(16, 128, 128)).isEqualTo(0x000000);
    }

    @Test
    void roundTripWithinTwo() {
        Random rnd = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            int rgb = rnd.nextInt(0x1000000);
            int[] yuv = Yuv.fromRgb(rgb);
            int back = Yuv.toRgb(yuv[0], yuv[1], yuv[2]);
            for (int shift = 0; shift <= 16; shift += 8) {
                assertThat(Math.abs(((rgb >> shift) & 0xFF) - ((back >> shift) & 0xFF)))
                        .as("rgb %06X back %06X", rgb, back).isLessThanOrEqualTo(2);
            }
        }
    }
}
