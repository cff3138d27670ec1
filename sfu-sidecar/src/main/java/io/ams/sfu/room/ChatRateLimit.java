package io.ams.sfu.room;

/**
 * A token bucket for one participant's chat: {@code burst} messages at once, then {@code perSecond} on
 * average. Time comes from the caller (nanoseconds, monotonic), so tests need no clock. Not thread-safe: the
 * room's lock guards it.
 */
final class ChatRateLimit {
    private static final double NANOS_PER_SECOND = 1e9;
    private final double burst;
    private final double perSecond;
    private double tokens;
    private long lastNanos;

    ChatRateLimit(int burst, double perSecond, long nowNanos) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one message's token; false (nothing taken) when the bucket is empty. */
    boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed / NANOS_PER_SECOND * perSecond);
            lastNanos = nowNanos;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Seconds until the next token, for the refusal's words. */
    double secondsToNext() {
        return tokens >= 1 ? 0 : (1 - tokens) / perSecond;
    }
}
