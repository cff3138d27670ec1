package io.ams.engine.stats;

import org.HdrHistogram.Histogram;

import io.ams.proto.v1.LatencyHistogram;

/**
 * A histogram of durations in microseconds (1 us .. 60 s, 3 significant digits), written by the
 * media path and read by the stats API. Synchronized: writes are a few per frame.
 */
public final class LatencyRecorder {
    private final Histogram histogram = new Histogram(1, 60_000_000L, 3);

    public synchronized void recordNanos(long nanos) {
        long micros = Math.max(1, Math.min(60_000_000L, nanos / 1000));
        histogram.recordValue(micros);
    }

    public synchronized long count() {
        return histogram.getTotalCount();
    }

    public synchronized double meanMillis() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / 1000.0;
    }

    public synchronized double percentileMillis(double p) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(p) / 1000.0;
    }

    public synchronized LatencyHistogram toProto() {
        if (histogram.getTotalCount() == 0) {
            return LatencyHistogram.getDefaultInstance();
        }
        return LatencyHistogram.newBuilder()
                .setCount(histogram.getTotalCount())
                .setP50Ms(histogram.getValueAtPercentile(50) / 1000.0)
                .setP90Ms(histogram.getValueAtPercentile(90) / 1000.0)
                .setP99Ms(histogram.getValueAtPercentile(99) / 1000.0)
                .setMaxMs(histogram.getMaxValue() / 1000.0)
                .build();
    }

    public synchronized void reset() {
        histogram.reset();
    }
}
