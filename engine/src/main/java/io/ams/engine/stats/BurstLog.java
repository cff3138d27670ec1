package io.ams.engine.stats;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs a recurring media-path problem once per burst: the first occurrence is logged at WARN,
 * then further ones are only counted until {@code quietNanos} have passed, when the next one
 * is logged with the number suppressed in between. Thread-safe, allocation-free when quiet.
 */
public final class BurstLog {
    private final Logger log;
    private final long quietNanos;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public BurstLog(Logger log, long quietMillis) {
        this.log = log;
        this.quietNanos = quietMillis * 1_000_000L;
    }

    /** Records one occurrence; logs {@code format} with {@code args} when the burst is new. */
    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if ((last == Long.MIN_VALUE || now - last >= quietNanos) && lastLogged.compareAndSet(last, now)) {
            long n = suppressed.getAndSet(0);
            if (n > 0) {
                log.warn(format + " (and " + n + " more like it since the last report)", args);
            } else {
                log.warn(format, args);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
