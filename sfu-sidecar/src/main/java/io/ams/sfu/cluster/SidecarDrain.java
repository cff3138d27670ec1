package io.ams.sfu.cluster;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's drain (issue 11, {@code ams ctl sfu drain}, SIGTERM in a cluster): from then on it takes no new rooms
 * (their joins go to another sidecar, or are refused where there is none), its readiness turns false, and its
 * meetings go on until they end or the grace is over.
 */
public final class SidecarDrain {
    private static final Logger LOG = LoggerFactory.getLogger(SidecarDrain.class);
    private final IntSupplier rooms;
    private final Duration grace;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile long startedAtNanos;
    private volatile boolean draining;
    private volatile Runnable onStart = () -> { };

    public SidecarDrain(IntSupplier rooms, Duration grace) {
        this.rooms = rooms;
        this.grace = grace;
    }

    public boolean draining() {
        return draining;
    }

    public Duration grace() {
        return grace;
    }

    public void onStart(Runnable r) {
        onStart = r;
    }

    /** Starts it (again: nothing); returns the rooms whose meetings go on. */
    public synchronized int start(String why) {
        if (!draining) {
            draining = true;
            startedAtNanos = System.nanoTime();
            LOG.info("draining ({}): taking no new rooms; {} meeting(s) go on until they end, at most {}", why, rooms.getAsInt(),
                    grace);
            started.countDown();
            onStart.run();
        }
        return rooms.getAsInt();
    }

    /** After the drain started: blocks until no meeting is left or the grace is over; true if none is left. */
    public boolean awaitDone() throws InterruptedException {
        started.await();
        long end = startedAtNanos + grace.toNanos();
        while (rooms.getAsInt() > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                LOG.warn("drain grace of {} over with {} meeting(s) left: they end now", grace, rooms.getAsInt());
                return false;
            }
            synchronized (this) {
                wait(Math.min(500, TimeUnit.NANOSECONDS.toMillis(left) + 1)); // polled: rooms close on their own lanes
            }
        }
        LOG.info("drained: every meeting ended");
        return true;
    }
}
