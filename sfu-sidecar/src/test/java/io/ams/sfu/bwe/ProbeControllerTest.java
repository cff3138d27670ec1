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
    void aReceiverWithoutMainVideoProbesEveryThreeSeconds() {
        long t = 0;
        long failedAt = 0;
        for (int i = 0; i < 5; i++) { // five failures: a normal receiver waits 3 s x 1.5^5 after the last
            long wait = c.intervalMs();
            assertThat(c.update(1_000_000, 2_000_000, t)).isNotNull();
            failedAt = t + ProbeController.CLUSTER_MS + 1000;
            assertThat(c.update(1_000_000, 2_000_000, failedAt)).isNull();
            t = failedAt + wait;
        }
        assertThat(c.intervalMs()).isGreaterThan(ProbeController.INITIAL_INTERVAL_MS * 4);
        long soon = failedAt + ProbeController.INITIAL_INTERVAL_MS;
        assertThat(c.update(1_000_000, 2_000_000, soon, false)).as("backed off").isNull();
        assertThat(c.update(1_000_000, 2_000_000, soon - 10, true)).as("mix only: not within 3 s").isNull();
        assertThat(c.update(1_000_000, 2_000_000, soon, true)).as("mix only: 3 s after the last failure").isNotNull();
        assertThat(c.update(1_000_000, 2_000_000, soon + ProbeController.CLUSTER_MS + 1000, true)).isNull(); // failed
        assertThat(c.intervalMs()).as("no further back-off while urgent").isEqualTo(ProbeController.INITIAL_INTERVAL_MS);
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
