package io.ams.engine.room;

import io.ams.engine.EngineException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's drain (issue 11): once started it takes no new rooms, and {@link #awaitDone} returns when the engine
 * has none left (the cluster's sidecars moved them to other engines) or the grace has passed. Who can take the rooms
 * is the {@link Guard}'s call: a single engine has no one, so a drain is refused with that reason unless forced.
 */
public final class EngineDrain {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDrain.class);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(120);

    /** Whether the rooms have somewhere to go: null if yes, else the reason they have not. */
    @FunctionalInterface
    public interface Guard {
        String refusal();
    }

    /** What {@link #start} did. */
    public record Result(boolean draining, int roomsLeft, long graceMs, String note) {
    }

    private final IntSupplier rooms;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Duration grace = DEFAULT_GRACE;
    private volatile Guard guard = () -> "this engine is not in a cluster (no --redis-uri): no other engine can take its rooms";
    private volatile Runnable onStart = () -> { };
    private volatile long startedAtNanos;
    private volatile boolean draining;

    EngineDrain(IntSupplier rooms) {
        this.rooms = rooms;
    }

    public void setGrace(Duration grace) {
        this.grace = grace;
    }

    public Duration grace() {
        return grace;
    }

    public void setGuard(Guard guard) {
        this.guard = guard;
    }

    /** Run once when the drain starts (the cluster heartbeat tells the sidecars at once). */
    public void onStart(Runnable r) {
        this.onStart = r;
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Starts the drain (again: only reports). {@code why}: for the log ("ams ctl drain", "SIGTERM").
     *
     * @throws EngineException FAILED_PRECONDITION with the guard's reason, when not forced and the rooms could not go
     */
    public synchronized Result start(boolean force, String why) {
        if (!draining) {
            String refusal = guard.refusal();
            if (refusal != null && !force && rooms.getAsInt() > 0) {
                throw new EngineException(EngineException.Kind.FAILED_PRECONDITION, "drain refused: " + refusal
                        + "; its " + rooms.getAsInt() + " room(s) would end at the grace. Drain with force to do it anyway");
            }
            draining = true;
            startedAtNanos = System.nanoTime();
            LOG.info("draining ({}): taking no new rooms; {} room(s) to move away, exiting when none is left or in {} s{}",
                    why, rooms.getAsInt(), grace.toSeconds(), refusal != null ? " (" + refusal + ")" : "");
            started.countDown();
            onStart.run();
        }
        int left = rooms.getAsInt();
        String note = left == 0 ? "no rooms: the engine exits now"
                : left + " room(s) left; the cluster's sidecars move them to other engines; the engine exits when none is"
                + " left or at the grace";
        return new Result(true, left, grace.toMillis(), note);
    }

    /** Refuses a new room while draining. */
    void checkNewRoom() {
        if (draining) {
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "the engine is draining: it takes no new rooms (place the room on another engine)");
        }
    }

    /** Blocks until a drain has started. */
    public void awaitStart() throws InterruptedException {
        started.await();
    }

    /** After the drain started: blocks until no room is left or the grace has passed; true if empty. */
    public boolean awaitDone() throws InterruptedException {
        awaitStart();
        long end = startedAtNanos + grace.toNanos();
        while (rooms.getAsInt() > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                LOG.warn("drain grace of {} s over with {} room(s) left: they end now", grace.toSeconds(), rooms.getAsInt());
                return false;
            }
            Thread.sleep(Math.min(200, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
        LOG.info("drained: no rooms left after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAtNanos));
        return true;
    }
}
