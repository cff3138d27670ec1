package io.ams.sfu.bwe;

/**
 * GCC's overuse detector with its adaptive threshold (draft-ietf-rmcat-gcc-02 5.4, libwebrtc's constants):
 * the modified trend (trend x min(deltas, 60) x gain 4) above the threshold for more than 10 ms, while
 * still rising, is overuse; below minus the threshold is underuse. The threshold follows the modified
 * trend, up with k_up 0.0087 and down with k_down 0.039 per ms, clamped to 6..600 ms, starting at 12.5 ms;
 * outliers (more than 15 ms above the threshold) do not move it.
 */
final class OveruseDetector {
    static final double INITIAL_THRESHOLD_MS = 12.5;
    static final double MIN_THRESHOLD_MS = 6;
    static final double MAX_THRESHOLD_MS = 600;
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    private static final double MAX_ADAPT_OFFSET_MS = 15;
    private static final double OVERUSE_TIME_MS = 10;

    private double threshold = INITIAL_THRESHOLD_MS;
    private double timeOverUsing = -1;
    private int overuseCounter;
    private double prevTrend;
    private long lastUpdateMs = -1;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /** @param modifiedTrend the trend scaled as above; {@code sendDeltaMs} of the group; {@code nowMs} arrival time */
    BandwidthUsage detect(double modifiedTrend, double trend, double sendDeltaMs, int numDeltas, long nowMs) {
        if (numDeltas < 2) {
            return BandwidthUsage.NORMAL;
        }
        if (modifiedTrend > threshold) {
            if (timeOverUsing == -1) {
                timeOverUsing = sendDeltaMs / 2;
            } else {
                timeOverUsing += sendDeltaMs;
            }
            overuseCounter++;
            if (timeOverUsing > OVERUSE_TIME_MS && overuseCounter > 1 && trend >= prevTrend) {
                timeOverUsing = 0;
                overuseCounter = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modifiedTrend < -threshold) {
            timeOverUsing = -1;
            overuseCounter = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsing = -1;
            overuseCounter = 0;
            state = BandwidthUsage.NORMAL;
        }
        prevTrend = trend;
        updateThreshold(modifiedTrend, nowMs);
        return state;
    }

    double thresholdMs() {
        return threshold;
    }

    BandwidthUsage state() {
        return state;
    }

    private void updateThreshold(double modifiedTrend, long nowMs) {
        if (lastUpdateMs == -1) {
            lastUpdateMs = nowMs;
        }
        double abs = Math.abs(modifiedTrend);
        if (abs > threshold + MAX_ADAPT_OFFSET_MS) {
            lastUpdateMs = nowMs;
            return;
        }
        double k = abs < threshold ? K_DOWN : K_UP;
        long dt = Math.min(Math.max(nowMs - lastUpdateMs, 0), 100);
        threshold += k * (abs - threshold) * dt;
        threshold = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, threshold));
        lastUpdateMs = nowMs;
    }
}
