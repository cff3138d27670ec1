package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The estimator in a closed loop with {@link LinkSimulator}: steady link, step down, step up. */
class SendSideEstimationTest {
    private static final long KBPS = 1000;

    @Test
    void convergesNearASteadyLinkRate() {
        LinkSimulator sim = new LinkSimulator(1500 * KBPS, 40, 0, 1);
        sim.run(40_000);
        long[] seen = sample(sim, 20_000);
        System.out.printf("steady 1500 kbps: estimate %d..%d kbps, lost %d of %d%n", seen[0] / KBPS, seen[1] / KBPS,
                sim.lostPackets, sim.sentPackets);
        assertThat(seen[0]).as("lowest estimate over the last 20 s").isGreaterThan(1500 * KBPS * 6 / 10);
        assertThat(seen[1]).as("highest estimate over the last 20 s").isLessThan(1500 * KBPS * 12 / 10);
        assertThat(sim.bwe.stats(sim.now).source()).isEqualTo("transport-cc");
    }

    @Test
    void dropsToTheNewRateWithinTwoSecondsOfAStepDown() {
        LinkSimulator sim = new LinkSimulator(2500 * KBPS, 30, 0, 2);
        sim.run(40_000);
        long before = sim.estimate();
        assertThat(before).as("before the step").isGreaterThan(1500 * KBPS);
        sim.rateBps = 800 * KBPS;
        sim.run(2000);
        long after = sim.estimate();
        System.out.printf("step down 2500 -> 800 kbps: %d kbps before, %d kbps 2 s after%n", before / KBPS, after / KBPS);
        assertThat(after).as("2 s after the step down").isLessThanOrEqualTo(800 * KBPS);
        sim.run(20_000);
        long[] seen = sample(sim, 10_000);
        assertThat(seen[0]).as("it recovers towards the new rate").isGreaterThan(800 * KBPS / 2);
        assertThat(seen[1]).isLessThan(800 * KBPS * 13 / 10);
    }

    @Test
    void risesAfterAStepUp() {
        LinkSimulator sim = new LinkSimulator(600 * KBPS, 30, 0, 3);
        sim.run(30_000);
        long before = sim.estimate();
        assertThat(before).isLessThan(700 * KBPS);
        sim.rateBps = 3000 * KBPS;
        sim.run(30_000);
        long after = sim.estimate();
        System.out.printf("step up 600 -> 3000 kbps: %d kbps before, %d kbps 30 s after%n", before / KBPS, after / KBPS);
        assertThat(after).as("30 s after the step up").isGreaterThan(2 * before);
    }

    @Test
    void probesFindHeadroomFasterThanTheRampAlone() {
        DownlinkAllocator.Request wantsMore = new DownlinkAllocator.Request(40 * KBPS, 500 * KBPS,
                new DownlinkAllocator.Source("p2", List.of(new DownlinkAllocator.Layer("h", 1280, 720, 2500 * KBPS))),
                List.of());
        LinkSimulator probing = new LinkSimulator(4000 * KBPS, 20, 0, 4).wanting(wantsMore);
        LinkSimulator plain = new LinkSimulator(4000 * KBPS, 20, 0, 4);
        probing.run(8000);
        plain.run(8000);
        System.out.printf("4000 kbps link after 8 s: %d kbps with probes (%s), %d kbps without%n",
                probing.estimate() / KBPS, probing.bwe.stats(probing.now).probes() + " probes", plain.estimate() / KBPS);
        assertThat(probing.bwe.stats(probing.now).probes()).isPositive();
        assertThat(probing.estimate()).isGreaterThan(plain.estimate());
        assertThat(probing.estimate()).isGreaterThanOrEqualTo(3040 * KBPS * 9 / 10);
    }

    @Test
    void lossAboveTenPercentCutsTheEstimate() {
        LinkSimulator clean = new LinkSimulator(2000 * KBPS, 30, 0, 5);
        LinkSimulator lossy = new LinkSimulator(2000 * KBPS, 30, 0.2, 5);
        clean.run(30_000);
        lossy.run(30_000);
        System.out.printf("2000 kbps link: %d kbps clean, %d kbps with 20%% loss (loss seen %.2f)%n",
                clean.estimate() / KBPS, lossy.estimate() / KBPS, lossy.bwe.stats(lossy.now).lossFraction());
        assertThat(lossy.bwe.stats(lossy.now).lossFraction()).as("20 %% random loss, periods of 20+ packets").isBetween(0.1, 0.45);
        assertThat(lossy.estimate()).isLessThan(clean.estimate() / 2);
    }

    @Test
    void lowLossDoesNotStopTheEstimate() {
        LinkSimulator sim = new LinkSimulator(1500 * KBPS, 30, 0.01, 6);
        sim.run(40_000);
        assertThat(sim.estimate()).isGreaterThan(1500 * KBPS * 6 / 10);
    }

    /** min and max of the estimate over the next {@code ms}. */
    static long[] sample(LinkSimulator sim, long ms) {
        long min = Long.MAX_VALUE, max = 0;
        for (long t = 0; t < ms; t += 100) {
            sim.run(100);
            min = Math.min(min, sim.estimate());
            max = Math.max(max, sim.estimate());
        }
        return new long[] {min, max};
    }

    static List<Long> trace(LinkSimulator sim, long ms) {
        List<Long> out = new ArrayList<>();
        for (long t = 0; t < ms; t += 100) {
            sim.run(100);
            out.add(sim.estimate());
        }
        return out;
    }
}
