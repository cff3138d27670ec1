package io.ams.sfu.bwe;

/**
 * GCC's loss-based controller (draft-ietf-rmcat-gcc-02 6): over each report period (at least 20 packets
 * and 500 ms of feedback) a loss above 10 % cuts the cap to target x (1 - loss / 2), at most once per
 * 300 ms + RTT; below 2 % the cap rises by 8 % per second (and vanishes once it is far above the target);
 * in between it holds. Infinite (no cap) until loss is seen. A clean probe lifts the cap to its result.
 */
final class LossBasedControl {
    static final double HIGH_LOSS = 0.10;
    static final double LOW_LOSS = 0.02;
    private static final int MIN_PACKETS = 20;
    private static final long MIN_PERIOD_MS = 500;

    private double capBps = Double.POSITIVE_INFINITY;
    private int lost;
    private int received;
    private long periodStartMs = -1;
    private long lastDecreaseMs = Long.MIN_VALUE / 2;
    private long lastUpdateMs = -1;
    private double lastLoss;

    /** Adds the net outcome of one feedback and, when a period is complete, moves the cap. */
    void onFeedback(int newlyLost, int newlyReceived, double targetBps, long rttMs, long nowMs) {
        lost += newlyLost;
        received += newlyReceived;
        if (periodStartMs < 0) {
            periodStartMs = nowMs;
        }
        int total = lost + received;
        if (total < MIN_PACKETS || nowMs - periodStartMs < MIN_PERIOD_MS) {
            return;
        }
        double loss = Math.max(0, Math.min(1, (double) lost / total));
        lastLoss = loss;
        lost = 0;
        received = 0;
        periodStartMs = nowMs;
        long dt = lastUpdateMs < 0 ? 0 : nowMs - lastUpdateMs;
        lastUpdateMs = nowMs;
        if (loss > HIGH_LOSS) {
            if (nowMs - lastDecreaseMs >= 300 + rttMs) {
                capBps = Math.min(capBps, targetBps) * (1 - loss / 2);
                lastDecreaseMs = nowMs;
            }
        } else if (loss < LOW_LOSS && !Double.isInfinite(capBps)) {
            capBps = capBps * Math.pow(1.08, Math.min(dt, 1000) / 1000.0) + 1000;
            if (capBps > 2 * targetBps) {
                capBps = Double.POSITIVE_INFINITY;
            }
        }
    }

    /**
     * A probe got {@code bps} through: while the last period was clean the cap rises to it at once (the
     * 8 %/s climb alone would keep a receiver that was squeezed by a brief loss burst low for many seconds).
     */
    void onProbe(double bps) {
        if (lastLoss < LOW_LOSS && bps > capBps) {
            capBps = bps;
        }
    }

    double capBps() {
        return capBps;
    }

    /** Loss fraction of the last complete period. */
    double lastLoss() {
        return lastLoss;
    }
}
