package io.ams.sfu.bwe;

/**
 * The trendline filter of GCC (libwebrtc's TrendlineEstimator): accumulates the one-way delay variation of
 * packet groups, smooths it (0.9), and fits a line through the last 20 points of (arrival time, smoothed
 * delay); the slope, scaled, goes to the {@link OveruseDetector}.
 */
final class TrendlineEstimator {
    private static final int WINDOW = 20;
    private static final double SMOOTHING = 0.9;
    private static final double GAIN = 4;
    private static final int MAX_DELTAS_FOR_GAIN = 60;

    private final OveruseDetector detector = new OveruseDetector();
    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int n;
    private int head;
    private int numDeltas;
    private double accumulated;
    private double smoothed;
    private long firstArrivalMs = -1;
    private double trend;

    /** One group's deltas (ms) and its arrival time (ms, receiver clock); returns the detector's state. */
    BandwidthUsage update(double arrivalDeltaMs, double sendDeltaMs, long arrivalMs) {
        double delta = arrivalDeltaMs - sendDeltaMs;
        numDeltas = Math.min(numDeltas + 1, 1000);
        if (firstArrivalMs == -1) {
            firstArrivalMs = arrivalMs;
        }
        accumulated += delta;
        smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * accumulated;
        xs[head] = arrivalMs - firstArrivalMs;
        ys[head] = smoothed;
        head = (head + 1) % WINDOW;
        n = Math.min(n + 1, WINDOW);
        if (n == WINDOW) {
            trend = slope();
        }
        double modified = Math.min(numDeltas, MAX_DELTAS_FOR_GAIN) * trend * GAIN;
        return detector.detect(modified, trend, sendDeltaMs, numDeltas, arrivalMs);
    }

    double trend() {
        return trend;
    }

    OveruseDetector detector() {
        return detector;
    }

    private double slope() {
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += xs[i];
            my += ys[i];
        }
        mx /= n;
        my /= n;
        double num = 0, den = 0;
        for (int i = 0; i < n; i++) {
            num += (xs[i] - mx) * (ys[i] - my);
            den += (xs[i] - mx) * (xs[i] - mx);
        }
        return den == 0 ? trend : num / den;
    }
}
