package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The GPU compositing stage: draws every tile of every canvas due at this tick with ONE launch of
 * {@code ams_composite}, then the name labels with one launch of {@code ams_blend_masks}.
 *
 * <p>Input is the tile table ({@code struct AmsTile}, {@value KernelAbiStandIn#TILE_BYTES} bytes
 * each, little-endian, as TileTable writes it) for all due canvases, in z order per canvas
 * (background fill first, pictures, border strips), and optionally the mask table
 * ({@code struct AmsMask}, label masks from {@link LabelMaskCache}). Both tables are copied into
 * pinned staging memory and uploaded with cuMemcpyHtoDAsync into device buffers allocated here;
 * everything is queued on the default stream and nothing waits: call {@link GpuContext#synchronize()}
 * (or {@link CanvasDownload#finish()}) before the staging buffers are written again, i.e. once per
 * tick, which the pipelines do.
 *
 * <p>Launch geometry (shared ABI): block 16x16 threads, each writing a 2x2 luma quad and its UV
 * pair; grid.x = the largest ceil(quadsX/16)*ceil(quadsY/16) over the tiles; grid.y (then grid.z)
 * selects the tile.
 *
 * <p>Ownership: the staging and device table buffers are allocated here (once, sized for
 * {@code maxTiles}/{@code maxMasks}) and freed by {@link #close()}. The canvases and source frames
 * the tables point at are borrowed: the caller keeps them alive until the tick is synchronised.
 * Not thread-safe: one mixer thread drives one compositor.
 */
public final class CudaCompositor implements AutoCloseable {
    /** Most tiles in one grid.y/grid.z dimension. */
    static final int MAX_GRID_Y = 65535;

    private final GpuContext gpu;
    private final int maxTiles;
    private final int maxMasks;
    private final PinnedBuffer tileStaging;   // owned
    private final DeviceBuffer tileTable;     // owned
    private final PinnedBuffer maskStaging;   // owned, null when maxMasks == 0
    private final DeviceBuffer maskTable;     // owned, null when maxMasks == 0
    private long launches;
    private long tilesDrawn;
    private boolean closed;

    public CudaCompositor(GpuContext gpu, int maxTiles, int maxMasks) {
        if (maxTiles < 1 || maxMasks < 0) {
            throw new IllegalArgumentException("maxTiles must be >= 1 and maxMasks >= 0");
        }
        this.gpu = gpu;
        this.maxTiles = maxTiles;
        this.maxMasks = maxMasks;
        PinnedBuffer ts = null;
        DeviceBuffer tt = null;
        PinnedBuffer ms = null;
        DeviceBuffer mt = null;
        try {
            ts = gpu.allocatePinned((long) maxTiles * KernelAbi.TILE_BYTES);
            tt = gpu.allocateDevice((long) maxTiles * KernelAbi.TILE_BYTES);
            if (maxMasks > 0) {
                ms = gpu.allocatePinned((long) maxMasks * KernelAbi.MASK_BYTES);
                mt = gpu.allocateDevice((long) maxMasks * KernelAbi.MASK_BYTES);
            }
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {ts, tt, ms, mt}) {
                closeQuietly(c);
            }
            throw e;
        }
        this.tileStaging = ts;
        this.tileTable = tt;
        this.maskStaging = ms;
        this.maskTable = mt;
    }

    /**
     * Queues the composite of {@code tileCount} tiles (read from {@code tiles}' position) and the
     * blend of {@code maskCount} masks. Returns at once.
     *
     * @throws GpuFault when a copy or launch fails
     * @throws IllegalArgumentException when a table holds more entries than this compositor's maximum
     */
    public void composite(ByteBuffer tiles, int tileCount, ByteBuffer masks, int maskCount) {
        if (closed) {
            throw new IllegalStateException("CudaCompositor is closed");
        }
        if (tileCount < 0 || tileCount > maxTiles || maskCount < 0 || maskCount > maxMasks) {
            throw new IllegalArgumentException("table too large: " + tileCount + " tiles (max " + maxTiles + "), "
                    + maskCount + " masks (max " + maxMasks + ")");
        }
        gpu.ensureCurrent();
        if (tileCount > 0) {
            int[] grid = grid(tiles, tileCount);
            upload(tiles, tileCount * KernelAbi.TILE_BYTES, tileStaging, tileTable, "tiles");
            Cuda.launch(KernelAbi.COMPOSITE_KERNEL, gpu.compositeKernel(), grid[0], grid[1], grid[2],
                    KernelAbi.BLOCK_SIZE, Pointer.to(new long[] {tileTable.address()}),
                    Pointer.to(new int[] {tileCount}));
            launches++;
            tilesDrawn += tileCount;
        }
        if (maskCount > 0) {
            int[] grid = maskGrid(masks, maskCount);
            upload(masks, maskCount * KernelAbi.MASK_BYTES, maskStaging, maskTable, "masks");
            Cuda.launch(KernelAbi.BLEND_MASKS_KERNEL, gpu.blendMasksKernel(), grid[0], grid[1], grid[2],
                    KernelAbi.BLOCK_SIZE, Pointer.to(new long[] {maskTable.address()}),
                    Pointer.to(new int[] {maskCount}));
            launches++;
        }
    }

    private static void upload(ByteBuffer table, int bytes, PinnedBuffer staging, DeviceBuffer device, String what) {
        ByteBuffer src = table.duplicate();
        src.limit(src.position() + bytes);
        ByteBuffer dst = staging.buffer();
        dst.put(src);
        Cuda.check("cuMemcpyHtoDAsync(" + what + ")", JCudaDriver.cuMemcpyHtoDAsync(device.pointer(),
                staging.pointer(), bytes, Cuda.DEFAULT_STREAM));
    }

    /**
     * The launch grid {x, y, z} for {@code count} tiles read from {@code tiles}' position: x covers
     * the quad blocks of the largest tile, y*z >= count selects the tile.
     */
    static int[] grid(ByteBuffer tiles, int count) {
        ByteBuffer t = tiles.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = t.position();
        int blocks = 1;
        for (int i = 0; i < count; i++) {
            int at = base + i * KernelAbi.TILE_BYTES;
            int w = Math.max(0, t.getShort(at + KernelAbi.DST_W_OFFSET));
            int h = Math.max(0, t.getShort(at + KernelAbi.DST_H_OFFSET));
            blocks = Math.max(blocks, blocksFor(w, h));
        }
        return new int[] {blocks, Math.min(count, MAX_GRID_Y), (count + MAX_GRID_Y - 1) / MAX_GRID_Y};
    }

    /** Thread blocks covering a w x h rectangle of 2x2 quads with 16x16-thread blocks. */
    static int blocksFor(int width, int height) {
        int quadsX = (width + 1) / 2;
        int quadsY = (height + 1) / 2;
        int b = KernelAbi.BLOCK_SIZE;
        return Math.max(1, ((quadsX + b - 1) / b) * ((quadsY + b - 1) / b));
    }

    /**
     * The mask launch grid: like the tiles, from the masks' sizes at MASK_W
     * and MASK_H (i16 each).
     */
    static int[] maskGrid(ByteBuffer masks, int count) {
        ByteBuffer m = masks.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = m.position();
        int blocks = 1;
        for (int i = 0; i < count; i++) {
            int at = base + i * KernelAbi.MASK_BYTES;
            blocks = Math.max(blocks, blocksFor(Math.max(0, m.getShort(at + KernelAbi.MASK_W_OFFSET)),
                    Math.max(0, m.getShort(at + KernelAbi.MASK_H_OFFSET))));
        }
        return new int[] {blocks, Math.min(count, MAX_GRID_Y), (count + MAX_GRID_Y - 1) / MAX_GRID_Y};
    }

    /** Kernel launches queued so far. */
    public long launches() {
        return launches;
    }

    /** Tiles drawn so far. */
    public long tilesDrawn() {
        return tilesDrawn;
    }

    /** Frees the staging and table buffers (waits for queued work first: cuMemFree synchronises). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(tileTable);
        closeQuietly(tileStaging);
        closeQuietly(maskTable);
        closeQuietly(maskStaging);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // freeing never fails in a way the caller could act on
        }
    }
}
