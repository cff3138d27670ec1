package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-room batching (issue 14 part 2): collects the composite of every output that falls due
 * within one tick window, whatever its room or canvas size, and hands them to the device as ONE
 * launch. Every {@code AmsTile}/{@code AmsMask} entry carries its own destination canvas and source
 * addresses, so a batch is the jobs' tables laid end to end, in submission order (each canvas's
 * entries stay contiguous and in its own paint order).
 *
 * <p>Window: the first job of an empty batch opens a window of {@code windowNanos} (default
 * {@value #DEFAULT_WINDOW_MICROS} us); the batch launches when the window closes, or at once when the
 * next job would overflow the staging tables ({@code maxTiles}/{@code maxMasks}); such a job starts
 * the next batch. A job therefore waits at most one window before its launch: at 30 fps (33 ms per
 * frame) a 2 ms window adds at most 2 ms to the mix latency and lets every output whose tick falls
 * in those 2 ms share one launch (outputs of the same fps started at random moments spread over
 * the 33 ms, so a device with R rooms launches about min(R, 17) times per frame period instead of R).
 *
 * <p>Faults: when the launch throws {@link GpuFault}, every job of that batch completes
 * exceptionally with it (each room's backend then moves to the CPU); later batches are launched as
 * usual (the launcher decides whether its context is still usable).
 *
 * <p>Threads: {@link #submit} from any output clock thread; the launcher runs on the scheduler given
 * here (borrowed), one launch at a time. Buffers of a job are borrowed until its future completes;
 * the batch's tables are this batcher's own, reused for every launch (no allocation per frame), and
 * borrowed by the launcher for the call.
 */
public final class CompositeBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeBatcher.class);
    public static final long DEFAULT_WINDOW_MICROS = 2000;

    /** One output's composite for this tick: its tables (positions 0..count entries), borrowed. */
    public record Job(String roomId, String outputId, int canvasWidth, int canvasHeight, ByteBuffer tiles,
                      int tileCount, ByteBuffer masks, int maskCount) {
    }

    /** What one launch draws: the jobs, and their tables laid end to end. */
    public record Batch(List<Job> jobs, ByteBuffer tiles, int tileCount, ByteBuffer masks, int maskCount) {
    }

    /** Launches one batch on the device and returns when its work is done (or throws the fault). */
    public interface Launcher {
        void launch(Batch batch) throws GpuFault;
    }

    private record Pending(Job job, CompletableFuture<Void> done) {
    }

    private final Launcher launcher;
    private final ScheduledExecutorService scheduler;
    private final long windowNanos;
    private final int maxTiles;
    private final int maxMasks;
    private final int tileBytes;
    private final int maskBytes;
    // the batch tables, sized once for maxTiles/maxMasks: no allocation per launch (guarded by launchLock)
    private final Object launchLock = new Object();
    private final ByteBuffer tileTable;
    private final ByteBuffer maskTable;
    // guarded by this
    private List<Pending> open = new ArrayList<>();
    private int openTiles;
    private int openMasks;
    private ScheduledFuture<?> windowEnd;
    private boolean closed;
    private long batches;
    private long jobs;

    /**
     * @param tileBytes bytes per tile entry ({@link KernelAbi#TILE_BYTES}); {@code maskBytes} likewise
     */
    public CompositeBatcher(Launcher launcher, ScheduledExecutorService scheduler, long windowNanos, int maxTiles,
            int maxMasks, int tileBytes, int maskBytes) {
        if (windowNanos < 0 || maxTiles < 1 || maxMasks < 0 || tileBytes < 1 || maskBytes < 1) {
            throw new IllegalArgumentException("bad batcher settings: window " + windowNanos + " ns, max tiles "
                    + maxTiles + ", max masks " + maxMasks);
        }
        this.launcher = launcher;
        this.scheduler = scheduler;
        this.windowNanos = windowNanos;
        this.maxTiles = maxTiles;
        this.maxMasks = maxMasks;
        this.tileBytes = tileBytes;
        this.maskBytes = maskBytes;
        this.tileTable = ByteBuffer.allocate(maxTiles * tileBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.maskTable = ByteBuffer.allocate(Math.max(1, maxMasks) * maskBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Queues one output's composite for the current window.
     *
     * @return completes once the batch holding it has been launched and finished on the device, or
     *     exceptionally with the batch's {@link GpuFault}
     * @throws IllegalArgumentException when the job alone is larger than a batch can hold
     */
    public CompletableFuture<Void> submit(Job job) {
        if (job.tileCount() > maxTiles || job.maskCount() > maxMasks) {
            throw new IllegalArgumentException("output " + job.roomId() + "/" + job.outputId() + " has "
                    + job.tileCount() + " tiles and " + job.maskCount() + " masks; a batch holds at most " + maxTiles
                    + " and " + maxMasks);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Pending> full = null;
        synchronized (this) {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("the batcher is closed"));
                return done;
            }
            if (!open.isEmpty() && (openTiles + job.tileCount() > maxTiles || openMasks + job.maskCount() > maxMasks)) {
                full = takeOpen();
            }
            open.add(new Pending(job, done));
            openTiles += job.tileCount();
            openMasks += job.maskCount();
            if (open.size() == 1) {
                windowEnd = scheduler.schedule(this::windowClosed, windowNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (full != null) {
            List<Pending> batch = full;
            scheduler.execute(() -> launch(batch));
        }
        return done;
    }

    private void windowClosed() {
        List<Pending> batch;
        synchronized (this) {
            batch = takeOpen();
        }
        launch(batch);
    }

    // caller holds the lock
    private List<Pending> takeOpen() {
        List<Pending> batch = open;
        open = new ArrayList<>();
        openTiles = 0;
        openMasks = 0;
        if (windowEnd != null) {
            windowEnd.cancel(false);
            windowEnd = null;
        }
        return batch;
    }

    private void launch(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        synchronized (launchLock) { // one launch at a time, whatever the scheduler's threads: the tables are shared
            launchLocked(batch);
        }
    }

    private void launchLocked(List<Pending> batch) {
        int tiles = 0;
        int masks = 0;
        for (Pending p : batch) {
            tiles += p.job().tileCount();
            masks += p.job().maskCount();
        }
        ByteBuffer t = tileTable.clear();
        ByteBuffer m = maskTable.clear();
        List<Job> jobsOfBatch = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            Job j = p.job();
            jobsOfBatch.add(j);
            t.put(j.tiles().duplicate().position(0).limit(j.tileCount() * tileBytes));
            if (j.maskCount() > 0) {
                m.put(j.masks().duplicate().position(0).limit(j.maskCount() * maskBytes));
            }
        }
        t.flip();
        m.flip();
        try {
            launcher.launch(new Batch(List.copyOf(jobsOfBatch), t, tiles, m, masks));
            synchronized (this) {
                batches++;
                jobs += batch.size();
            }
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            LOG.warn("composite batch of {} outputs ({} tiles) failed: {}", batch.size(), tiles, e.toString());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Batches launched, and jobs in them, since start: jobs / batches is the batching factor. */
    public synchronized long batches() {
        return batches;
    }

    public synchronized long jobs() {
        return jobs;
    }

    /** Fails the jobs still waiting for their window; later submissions fail at once. */
    @Override
    public void close() {
        List<Pending> left;
        synchronized (this) {
            closed = true;
            left = takeOpen();
        }
        left.forEach(p -> p.done().completeExceptionally(new IllegalStateException("the batcher closed")));
    }
}
