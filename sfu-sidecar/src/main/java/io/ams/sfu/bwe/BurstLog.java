package io.ams.sfu.bwe;

import org.slf4j.Logger;

/**
 * Logs the first of a burst of similar problems and counts the rest: after {@value #QUIET_MS} ms without
 * one, the next is logged again with the number suppressed meanwhile. Not thread-safe.
 */
public final class BurstLog {
    public static final long QUIET_MS = 10_000;

    private final Logger log;
    private long lastMs = Long.MIN_VALUE / 2;
    private long suppressed;

    public BurstLog(Logger log) {
        this.log = log;
    }

    /** @return whether it logged */
    public boolean warn(long nowMs, String format, Object... args) {
        boolean quiet = nowMs - lastMs >= QUIET_MS;
        lastMs = nowMs;
        if (!quiet) {
            suppressed++;
            return false;
        }
        if (suppressed > 0) {
            log.warn(format + " ({} similar before, not logged)", append(args, suppressed));
        } else {
            log.warn(format, args);
        }
        suppressed = 0;
        return true;
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }
}
