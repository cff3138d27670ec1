package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LossBasedControlTest {
    @Test
    void highLossCutsTheCapAndACleanProbeLiftsIt() {
        LossBasedControl c = new LossBasedControl();
        c.onFeedback(40, 60, 800_000, 10, 0);
        c.onFeedback(0, 0, 800_000, 10, 600);
        assertThat(c.capBps()).as("40 %% loss: x 0.8").isEqualTo(800_000 * 0.8);
        c.onProbe(900_000);
        assertThat(c.capBps()).as("not while the last period was lossy").isEqualTo(800_000 * 0.8);
        c.onFeedback(0, 100, 640_000, 10, 1200);
        double climbed = c.capBps();
        assertThat(climbed).as("clean: climbs about 8 %% per second").isBetween(640_000 * 1.02, 640_000 * 1.06);
        c.onProbe(900_000);
        assertThat(c.capBps()).as("a clean probe lifts it at once").isEqualTo(900_000);
        c.onProbe(500_000);
        assertThat(c.capBps()).as("a lower probe never cuts it").isEqualTo(900_000);
    }
}
