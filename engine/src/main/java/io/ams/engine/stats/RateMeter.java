package io.ams.engine.stats;

import java.util.ArrayDeque;

/** Events per second over a sliding window (for the measured output frame rate). */
public final class RateMeter {
    private final long windowNanos;
    private final ArrayDeque<Long> times = new ArrayDeque<>();
    private long firstNanos = Long.MIN_VALUE;

    public RateMeter(long windowMillis) {
        this.windowNanos = windowMillis * 1_000_000L;
    }

    public synchronized void mark(long nowNanos) {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = nowNanos;
        }
        times.addLast(nowNanos);
        trim(nowNanos);
    }

    /**
     * Events in the last window divided by the window, or by the time since the first event
     * when that is shorter; 0 before the second event.
     */
    public synchronized double perSecond(long nowNanos) {
        trim(nowNanos);
        if (firstNanos == Long.MIN_VALUE || times.size() < 2) {
            return 0;
        }
        long observed = Math.min(windowNanos, nowNanos - firstNanos);
        if (observed <= 0) {
            return 0;
        }
        // the first event opens the observed span when it lies inside the window
        int events = nowNanos - firstNanos <= windowNanos ? times.size() - 1 : times.size();
        return events * 1e9 / observed;
    }

    private void trim(long nowNanos) {
        while (!times.isEmpty() && nowNanos - times.peekFirst() > windowNanos) {
            times.removeFirst();
        }
    }
}
