package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeControllerTest {
    private final ProbeController c = new ProbeController();

    @Test
    void probesFor120PercentOfWhatIsMissingAtLeast200Kbps() {
        ProbeController.Probe p = c.update(1_000_000, 2_000_000, 0);
        assertThat(p).isNotNull();
        assertThat(p.bitrateBps()).isEqualTo(1_000_000 + 1_200_000);
        ProbeController d = new ProbeController();
        assertThat(d.update(1_000_000, 1_050_000, 0).bitrateBps()).isEqualTo(1_200_000);
        assertThat(new ProbeController().update(2_000_000, 1_000_000, 0)).as("nothing wanted").isNull();
    }

    @Test
    void backsOffTimesOneAndAHalfUpToTwoMinutes() {
        long t = 0;
        assertThat(c.update(1_000_000, 2_000_000, t)).isNotNull();
        long expected = ProbeController.INITIAL_INTERVAL_MS;
        for (int i = 0; i < 20; i++) {
            t += ProbeController.CLUSTER_MS + 1000;
            assertThat(c.update(1_000_000, 2_000_000, t)).isNull(); // failed
            assertThat(c.state()).isEqualTo(ProbeController.State.WAITING);
            assertThat(c.update(1_000_000, 2_000_000, t + expected - 1)).as("waits %d ms", expected).isNull();
            t += expected;
            assertThat(c.update(1_000_000, 2_000_000, t)).as("probes after %d ms", expected).isNotNull();
            expected = Math.min(ProbeController.MAX_INTERVAL_MS, (long) (expected * ProbeController.BACKOFF));
        }
        assertThat(expected).isEqualTo(ProbeController.MAX_INTERVAL_MS);
        assertThat(c.failures()).isEqualTo(20);
    }

    @Test
    void successResetsTheBackOff() {
        c.update(1_000_000, 2_000_000, 0);
        c.update(1_000_000, 2_000_000, 1100); // fail: waits 3 s, next 4.5 s
        c.update(1_000_000, 2_000_000, 4100);
        assertThat(c.update(2_100_000, 2_000_000, 4200)).isNull(); // the estimate got there
        assertThat(c.state()).isEqualTo(ProbeController.State.IDLE);
        assertThat(c.intervalMs()).isEqualTo(ProbeController.INITIAL_INTERVAL_MS);
    }
}
