package io.ams.sfu.bwe;

/**
 * GCC's delay-based rate controller (draft-ietf-rmcat-gcc-02 5.5, libwebrtc's AimdRateControl). Overuse:
 * decrease to 0.85 x the acknowledged rate (at most once per RTT unless the acknowledged rate fell below
 * half), then hold. Normal: increase, multiplicatively by at most 8 % per second while far from the link
 * capacity seen at earlier decreases, additively (about one packet per response time) near it. Underuse:
 * hold (the queues drain). An increase never goes beyond 1.5 x the acknowledged rate + 10 kbps, so the
 * estimate cannot run away from what the link has shown it carries.
 */
final class AimdRateControl {
    enum State { HOLD, INCREASE, DECREASE }

    static final double BETA = 0.85;
    static final double MULTIPLICATIVE_PER_SECOND = 1.08;

    private final double minBps;
    private final double maxBps;
    private double current;
    private State state = State.HOLD;
    private long lastChangeMs = -1;
    private long lastDecreaseMs = -1;
    private double capacityAvgKbps = -1;
    private double capacityVar = 0.4;
    private long rttMs = 100;

    AimdRateControl(double startBps, double minBps, double maxBps) {
        this.current = startBps;
        this.minBps = minBps;
        this.maxBps = maxBps;
    }

    void setRttMs(long rtt) {
        this.rttMs = Math.max(10, Math.min(1000, rtt));
    }

    double bitrate() {
        return current;
    }

    State state() {
        return state;
    }

    /** Sets the estimate from outside (a probe found more). */
    void setEstimate(double bps, long nowMs) {
        current = clamp(bps);
        lastChangeMs = nowMs;
    }

    /**
     * @param ackedBps the acknowledged (received) rate, NaN if not known yet
     * @return the new estimate
     */
    double update(BandwidthUsage usage, double ackedBps, long nowMs) {
        switch (usage) {
            case NORMAL -> {
                if (state == State.HOLD) {
                    state = State.INCREASE;
                    lastChangeMs = nowMs;
                }
            }
            case OVERUSING -> {
                if (state != State.DECREASE) {
                    state = State.DECREASE;
                }
            }
            case UNDERUSING -> state = State.HOLD;
        }
        if (lastChangeMs < 0) {
            lastChangeMs = nowMs;
        }
        boolean acked = !Double.isNaN(ackedBps);
        switch (state) {
            case HOLD -> {
            }
            case INCREASE -> {
                if (acked && capacityAvgKbps >= 0 && ackedBps / 1000 > capacityAvgKbps + 3 * capacityStdKbps()) {
                    capacityAvgKbps = -1; // the link got faster than anything seen: back to multiplicative
                }
                double dtS = Math.min(Math.max(nowMs - lastChangeMs, 0), 1000) / 1000.0;
                double next;
                if (capacityAvgKbps >= 0) {
                    next = current + nearMaxIncreaseBpsPerSecond() * dtS;
                } else {
                    next = current + Math.max(current * (Math.pow(MULTIPLICATIVE_PER_SECOND, dtS) - 1), 1000 * dtS);
                }
                if (acked) {
                    double limit = 1.5 * ackedBps + 10_000;
                    if (next > limit) {
                        next = Math.max(current, limit);
                    }
                }
                current = next;
                lastChangeMs = nowMs;
            }
            case DECREASE -> {
                boolean due = lastDecreaseMs < 0 || nowMs - lastDecreaseMs >= Math.max(10, Math.min(200, rttMs))
                        || acked && ackedBps < current / 2;
                if (due) {
                    double base = acked ? ackedBps : current;
                    double next = BETA * base;
                    if (next > current && capacityAvgKbps >= 0) {
                        next = BETA * capacityAvgKbps * 1000;
                    }
                    if (next < current) {
                        current = next;
                    }
                    if (acked) {
                        updateCapacity(ackedBps / 1000);
                    }
                    lastDecreaseMs = nowMs;
                }
                state = State.HOLD;
                lastChangeMs = nowMs;
            }
        }
        current = clamp(current);
        return current;
    }

    private double nearMaxIncreaseBpsPerSecond() {
        double bitsPerFrame = current / 30;
        double packetsPerFrame = Math.ceil(bitsPerFrame / (1200 * 8));
        double avgPacketBits = bitsPerFrame / Math.max(packetsPerFrame, 1);
        double responseS = (rttMs + 100) / 1000.0;
        return Math.max(4000, avgPacketBits / responseS);
    }

    private void updateCapacity(double kbps) {
        double alpha = 0.05;
        capacityAvgKbps = capacityAvgKbps < 0 ? kbps : (1 - alpha) * capacityAvgKbps + alpha * kbps;
        double norm = Math.max(capacityAvgKbps, 1);
        capacityVar = (1 - alpha) * capacityVar + alpha * (capacityAvgKbps - kbps) * (capacityAvgKbps - kbps) / norm;
        capacityVar = Math.max(0.4, Math.min(2.5, capacityVar));
    }

    private double capacityStdKbps() {
        return Math.sqrt(capacityVar * Math.max(capacityAvgKbps, 1));
    }

    private double clamp(double bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }
}
