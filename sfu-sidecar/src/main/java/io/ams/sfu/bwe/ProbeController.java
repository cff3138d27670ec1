package io.ams.sfu.bwe;

/**
 * Decides when to probe for headroom above the estimate (LiveKit's constants, DESIGN.md section 9): when
 * the allocator wants more than the estimate, probe for 120 % of the missing bitrate, at least 200 kbps,
 * on top of the estimate, for {@value #CLUSTER_MS} ms. If the estimate did not reach what was wanted
 * within a second after the cluster, wait 3 s before the next probe, then 1.5 times longer after each
 * failure, up to 2 min; success, or nothing more wanted, resets the wait to 3 s. Pure logic on the
 * caller's clock; the caller sends the padding (see {@link PaddingPackets}) and marks its packets with
 * the cluster id so that {@link ProbeBitrateEstimator} can measure them.
 */
final class ProbeController {
    static final long MIN_PROBE_BPS = 200_000;
    static final double OVERAGE = 1.2;
    static final long INITIAL_INTERVAL_MS = 3000;
    static final double BACKOFF = 1.5;
    static final long MAX_INTERVAL_MS = 120_000;
    static final long CLUSTER_MS = 100;
    private static final long RESULT_WAIT_MS = 1000;

    /** A probe to send: {@code bitrateBps} in total (media + padding) for {@code durationMs}. */
    record Probe(int clusterId, long bitrateBps, long durationMs) {
    }

    enum State { IDLE, PROBING, WAITING }

    private State state = State.IDLE;
    private long intervalMs = INITIAL_INTERVAL_MS;
    private long nextProbeMs = Long.MIN_VALUE;
    private long probeStartMs;
    private long probeWantedBps;
    private int clusterId;
    private long probes;
    private long failures;
    private long lastFailureMs;

    /** Called on every allocation; returns a probe to start now, or null. */
    Probe update(long estimateBps, long wantedBps, long nowMs) {
        return update(estimateBps, wantedBps, nowMs, false);
    }

    /**
     * As {@link #update(long, long, long)}; {@code urgent} (the receiver gets no main video at all) keeps the
     * wait between failed probes at {@value #INITIAL_INTERVAL_MS} ms, so that a receiver whose link recovers
     * gets its main video back within seconds rather than after minutes of back-off.
     */
    Probe update(long estimateBps, long wantedBps, long nowMs, boolean urgent) {
        if (urgent && state == State.WAITING) {
            nextProbeMs = Math.min(nextProbeMs, lastFailureMs + INITIAL_INTERVAL_MS);
        }
        if (state == State.PROBING) {
            if (estimateBps >= probeWantedBps) {
                succeed(nowMs);
            } else if (nowMs - probeStartMs >= CLUSTER_MS + RESULT_WAIT_MS) {
                failures++;
                lastFailureMs = nowMs;
                state = State.WAITING;
                nextProbeMs = nowMs + intervalMs;
                intervalMs = urgent ? INITIAL_INTERVAL_MS : Math.min(MAX_INTERVAL_MS, (long) (intervalMs * BACKOFF));
            }
            return null;
        }
        if (wantedBps <= estimateBps) {
            if (state != State.WAITING || nowMs >= nextProbeMs) {
                state = State.IDLE;
                intervalMs = INITIAL_INTERVAL_MS;
            }
            return null;
        }
        if (nowMs < nextProbeMs) {
            state = State.WAITING;
            return null;
        }
        long extra = Math.max(MIN_PROBE_BPS, (long) (OVERAGE * (wantedBps - estimateBps)));
        state = State.PROBING;
        probeStartMs = nowMs;
        probeWantedBps = wantedBps;
        probes++;
        return new Probe(++clusterId, estimateBps + extra, CLUSTER_MS);
    }

    private void succeed(long nowMs) {
        state = State.IDLE;
        intervalMs = INITIAL_INTERVAL_MS;
        nextProbeMs = nowMs + INITIAL_INTERVAL_MS;
    }

    State state() {
        return state;
    }

    /** "idle", "probing #n", or "waiting n ms (back-off m ms)". */
    String describe(long nowMs) {
        return switch (state) {
            case IDLE -> "idle";
            case PROBING -> "probing #" + clusterId;
            case WAITING -> "waiting " + Math.max(0, nextProbeMs - nowMs) + " ms (next back-off " + intervalMs + " ms)";
        };
    }

    long intervalMs() {
        return intervalMs;
    }

    long probes() {
        return probes;
    }

    long failures() {
        return failures;
    }
}
