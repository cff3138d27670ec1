package io.ams.sfu.room;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a shared pool: a room's (or the lobby's) own
 * queue without a thread of its own. A task that blocks holds up only its lane and one pool thread;
 * every other lane goes on. After {@link #BATCH} tasks in a row the lane gives its pool thread up and
 * queues itself again, so a busy room cannot starve the others. A task that throws is logged and
 * counted; the lane goes on with the next.
 */
public final class SerialLane implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);
    static final int BATCH = 32;

    private final String name;
    private final Executor pool;
    private final int maxQueued;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // guarded by itself
    private boolean scheduled;                                      // guarded by queue
    private final AtomicLong ran = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** {@code maxQueued}: tasks waiting beyond it are refused ({@link RejectedExecutionException}). */
    public SerialLane(String name, Executor pool, int maxQueued) {
        this.name = name;
        this.pool = pool;
        this.maxQueued = maxQueued;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            if (queue.size() >= maxQueued) {
                rejected.incrementAndGet();
                throw new RejectedExecutionException(name + ": " + maxQueued + " tasks already waiting");
            }
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        submitDrain();
    }

    private void submitDrain() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) { // the pool is shut down: the server is closing
            synchronized (queue) {
                rejected.addAndGet(queue.size());
                queue.clear();
                scheduled = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) { // one bad task must not end the lane
                failed.incrementAndGet();
                LOG.error("{}: a task failed (the lane goes on)", name, t);
            }
            ran.incrementAndGet();
        }
        submitDrain(); // let the other lanes have the thread
    }

    /** Tasks waiting (not counting one that runs now). */
    public int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    public long ran() {
        return ran.get();
    }

    public long failed() {
        return failed.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
