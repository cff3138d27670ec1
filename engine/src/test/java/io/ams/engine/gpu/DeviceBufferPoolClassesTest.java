package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.ams.engine.gpu.DeviceBufferPool.SizeClass;

/** Which pooled buffer a decoded picture takes (no GPU needed: the choice only). */
class DeviceBufferPoolClassesTest {
    static final java.util.Set<SizeClass> CLASSES = DeviceBufferPool.DEFAULT_CLASSES.keySet();

    @Test
    void landscapeCamerasTakeTheSmallestLandscapeBufferThatHoldsThem() {
        assertThat(DeviceBufferPool.classFor(CLASSES, 640, 360)).isEqualTo(new SizeClass(640, 368));
        assertThat(DeviceBufferPool.classFor(CLASSES, 1280, 720)).isEqualTo(new SizeClass(1280, 720));
        assertThat(DeviceBufferPool.classFor(CLASSES, 1920, 1080)).isEqualTo(new SizeClass(1920, 1088));
        assertThat(DeviceBufferPool.classFor(CLASSES, 321, 179)).as("odd sizes round up to even")
                .isEqualTo(new SizeClass(640, 368));
    }

    @Test
    void portraitPhoneCamerasTakeAnUprightBufferNotA4kOne() {
        assertThat(DeviceBufferPool.classFor(CLASSES, 360, 640)).isEqualTo(new SizeClass(368, 640));
        assertThat(DeviceBufferPool.classFor(CLASSES, 720, 1280)).isEqualTo(new SizeClass(720, 1280));
        assertThat(DeviceBufferPool.classFor(CLASSES, 1080, 1920)).isEqualTo(new SizeClass(1088, 1920));
        assertThat(DeviceBufferPool.DEFAULT_CLASSES.get(new SizeClass(720, 1280))).as("made at start").isPositive();
    }

    @Test
    void theChoiceDoesNotDependOnTheOrderOfTheClasses() {
        java.util.List<SizeClass> order = new java.util.ArrayList<>(CLASSES);
        for (int i = 0; i < 10; i++) {
            java.util.Collections.shuffle(order, new java.util.Random(i));
            assertThat(DeviceBufferPool.classFor(order, 322, 180)).isEqualTo(new SizeClass(640, 368));
            assertThat(DeviceBufferPool.classFor(order, 180, 322)).as("fits either twin: the landscape one, always")
                    .isEqualTo(new SizeClass(640, 368));
        }
    }

    @Test
    void aPictureLargerThanEveryClassGetsNone() {
        assertThat(DeviceBufferPool.classFor(CLASSES, 4096, 2160)).isNull();
        assertThat(DeviceBufferPool.classFor(CLASSES, 3840, 2160)).isEqualTo(new SizeClass(3840, 2160));
    }
}
