package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;

/**
 * Batching groups the composites of outputs of different rooms and canvas sizes into one launch,
 * with each canvas's real tile table (from TileTable, as the GPU pipeline builds it) intact and in
 * order; a window later, or past the staging capacity, a new batch starts; a fault fails exactly
 * the jobs of its batch.
 */
class CompositeBatcherTest {
    static final long WINDOW = TimeUnit.MILLISECONDS.toNanos(50);
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<CompositeBatcher.Batch> launched = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A real tile table of {@code n} participants on a w x h canvas whose device addresses start at {@code base}. */
    static TileTable table(long base, int w, int h, int n) {
        List<String> ids = new java.util.ArrayList<>();
        java.util.Map<String, TileTable.Source> src = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            ids.add("p" + i);
            src.put("p" + i, new TileTable.Source(base + 0x100000L * (i + 1), base + 0x100000L * (i + 1) + 0x80000, 640,
                    640, 360));
        }
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids, "p0", w, h);
        return TileTable.build(new TileTable.Canvas(base, base + (long) w * h, w, w, h), tiles, LayoutSpec.grid(), src);
    }

    static CompositeBatcher.Job job(String room, TileTable t) {
        return new CompositeBatcher.Job(room, "main", t.canvas().width(), t.canvas().height(), t.buffer(), t.count(),
                ByteBuffer.allocate(0), 0);
    }

    CompositeBatcher batcher(int maxTiles, CompositeBatcher.Launcher l) {
        return new CompositeBatcher(l, scheduler, WINDOW, maxTiles, 16, KernelAbi.TILE_BYTES, KernelAbi.MASK_BYTES);
    }

    @Test
    void outputsOfDifferentRoomsAndSizesDueInOneWindowShareOneLaunch() throws Exception {
        TileTable a = table(0x10_0000_0000L, 1280, 720, 16);
        TileTable b = table(0x20_0000_0000L, 640, 360, 4);
        TileTable c = table(0x30_0000_0000L, 1920, 1080, 9);
        try (CompositeBatcher batcher = batcher(4096, launched::add)) {
            CompletableFuture<Void> fa = batcher.submit(job("a", a));
            CompletableFuture<Void> fb = batcher.submit(job("b", b));
            CompletableFuture<Void> fc = batcher.submit(job("c", c));
            CompletableFuture.allOf(fa, fb, fc).get(5, TimeUnit.SECONDS);
            assertThat(launched).hasSize(1);
            CompositeBatcher.Batch batch = launched.get(0);
            assertThat(batch.jobs()).extracting(CompositeBatcher.Job::roomId).containsExactly("a", "b", "c");
            assertThat(batch.tileCount()).isEqualTo(a.count() + b.count() + c.count());
            // the launch's table is the three tables end to end, byte for byte
            ByteBuffer expected = ByteBuffer.allocate(batch.tileCount() * KernelAbi.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            expected.put(a.buffer().duplicate()).put(b.buffer().duplicate()).put(c.buffer().duplicate()).flip();
            assertThat(batch.tiles()).isEqualTo(expected);
            assertThat(dstCanvasesOf(batch)).as("every entry draws into its own room's canvas, in order")
                    .containsExactly(0x10_0000_0000L, 0x20_0000_0000L, 0x30_0000_0000L);
            assertThat(batcher.batches()).isEqualTo(1);
            assertThat(batcher.jobs()).isEqualTo(3);
        }
    }

    @Test
    void aJobAfterTheWindowGoesIntoTheNextLaunch() throws Exception {
        try (CompositeBatcher batcher = batcher(4096, launched::add)) {
            batcher.submit(job("a", table(0x10_0000_0000L, 640, 360, 4))).get(5, TimeUnit.SECONDS);
            batcher.submit(job("b", table(0x20_0000_0000L, 640, 360, 4))).get(5, TimeUnit.SECONDS);
            assertThat(launched).hasSize(2);
            assertThat(launched).extracting(bt -> bt.jobs().get(0).roomId()).containsExactly("a", "b");
        }
    }

    @Test
    void aBatchThatWouldOverflowTheStagingTablesLaunchesAndTheJobStartsTheNext() throws Exception {
        TileTable a = table(0x10_0000_0000L, 1280, 720, 16);
        TileTable b = table(0x20_0000_0000L, 1280, 720, 16);
        int cap = a.count() + b.count() - 1;   // both do not fit together
        try (CompositeBatcher batcher = batcher(cap, launched::add)) {
            CompletableFuture<Void> fa = batcher.submit(job("a", a));
            CompletableFuture<Void> fb = batcher.submit(job("b", b));
            fa.get(5, TimeUnit.SECONDS);
            fb.get(5, TimeUnit.SECONDS);
            assertThat(launched).hasSize(2);
            assertThat(launched).allSatisfy(bt -> assertThat(bt.tileCount()).isLessThanOrEqualTo(cap));
            assertThatThrownBy(() -> batcher.submit(job("huge", table(0x40_0000_0000L, 1920, 1080, 64))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a batch holds at most");
        }
    }

    @Test
    void aFaultFailsTheJobsOfItsBatchOnlyAndTheNextBatchRuns() throws Exception {
        GpuFault fault = new GpuFault("cuLaunchKernel", 719, "CUDA_ERROR_LAUNCH_FAILED");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (CompositeBatcher batcher = batcher(4096, bt -> {
            if (calls.getAndIncrement() == 0) {
                throw fault;
            }
            launched.add(bt);
        })) {
            CompletableFuture<Void> fa = batcher.submit(job("a", table(0x10_0000_0000L, 640, 360, 4)));
            CompletableFuture<Void> fb = batcher.submit(job("b", table(0x20_0000_0000L, 640, 360, 4)));
            for (CompletableFuture<Void> f : List.of(fa, fb)) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isSameAs(fault);
            }
            batcher.submit(job("c", table(0x30_0000_0000L, 640, 360, 4))).get(5, TimeUnit.SECONDS);
            assertThat(launched).hasSize(1);
            assertThat(batcher.batches()).isEqualTo(1);
        }
    }

    @Test
    void closingFailsWaitingJobsAndRefusesNewOnes() {
        CompositeBatcher batcher = new CompositeBatcher(launched::add, scheduler, TimeUnit.SECONDS.toNanos(60), 4096,
                16, KernelAbi.TILE_BYTES, KernelAbi.MASK_BYTES);
        CompletableFuture<Void> waiting = batcher.submit(job("a", table(0x10_0000_0000L, 640, 360, 4)));
        batcher.close();
        assertThat(waiting).isCompletedExceptionally();
        assertThat(batcher.submit(job("b", table(0x20_0000_0000L, 640, 360, 4)))).isCompletedExceptionally();
        assertThat(launched).isEmpty();
    }

    /** The distinct destination canvases (dstY) of a batch's entries, in order of first appearance. */
    static List<Long> dstCanvasesOf(CompositeBatcher.Batch batch) {
        List<Long> out = new java.util.ArrayList<>();
        ByteBuffer t = batch.tiles().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < batch.tileCount(); i++) {
            long dstY = t.getLong(i * KernelAbi.TILE_BYTES + KernelAbi.DST_Y_OFFSET);
            if (out.isEmpty() || out.get(out.size() - 1) != dstY) {
                out.add(dstY);
            }
        }
        return out;
    }
}
