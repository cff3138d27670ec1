package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

/** The comparison helpers the GPU tests rely on, checked on the CPU. */
class PlanesTest {
    @Test
    void nv12AndYuv420pRoundTripsExactly() {
        long before = NativeResources.outstandingFrames();
        Planes p = Planes.smoothRandom(new Random(7), 64, 36);
        Planes back = Planes.fromNv12(ByteBuffer.wrap(p.toNv12()), 64, 36, 64);
        assertThat(back.y()).isEqualTo(p.y());
        assertThat(back.u()).isEqualTo(p.u());
        assertThat(back.v()).isEqualTo(p.v());
        try (VideoFrame f = p.toFrame()) {
            Planes viaFrame = Planes.of(f);
            assertThat(viaFrame.y()).isEqualTo(p.y());
            assertThat(viaFrame.v()).isEqualTo(p.v());
        }
        assertThat(NativeResources.outstandingFrames()).isEqualTo(before);
    }

    @Test
    void smoothRandomPicturesAreNonZeroAndDifferBySeed() {
        Planes a = Planes.smoothRandom(new Random(1), 128, 72);
        Planes b = Planes.smoothRandom(new Random(2), 128, 72);
        for (byte s : a.y()) {
            assertThat(s & 0xFF).isBetween(20, 235);
        }
        assertThat(Planes.psnr(a.y(), b.y())).isLessThan(30);
    }

    @Test
    void psnrOfAKnownError() {
        byte[] a = new byte[100];
        byte[] b = new byte[100];
        b[0] = 10; // MSE = 100/100 = 1 -> 48.13 dB
        assertThat(Planes.psnr(a, a)).isInfinite();
        assertThat(Planes.psnr(a, b)).isCloseTo(48.13, org.assertj.core.data.Offset.offset(0.01));
    }
}
