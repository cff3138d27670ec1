package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ams.engine.compose.LabelRenderer;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * Name labels for the GPU path: each text is rendered once on the CPU with
 * {@link LabelRenderer} (the same masks the CPU compositor draws), uploaded once into device
 * memory and cached, least recently used out. Per frame only the 32-byte mask entries that point
 * at them are uploaded (see {@link CudaCompositor}).
 *
 * <p>A new label costs a cuMemAlloc and a synchronous copy (both synchronise): it happens when a
 * name first appears at a size, not per frame. Owns the device masks, freed by {@link #close()}
 * or on eviction (cuMemFree waits for queued kernels, so an evicted mask is never read freed).
 * Thread-safe.
 */
public final class LabelMaskCache implements AutoCloseable {
    static final int CAPACITY = 512;

    /** A label's coverage mask in device memory: width*height bytes, row after row. */
    public record DeviceMask(long alphaAddress, int width, int height) {
    }

    private record Key(String text, int maxWidth, int height) {
    }

    private final GpuContext gpu;
    private final LabelRenderer renderer = new LabelRenderer();
    private final Map<Key, Entry> cache = new LinkedHashMap<>(64, 0.75f, true);
    private boolean closed;

    private record Entry(DeviceBuffer buffer, DeviceMask mask) {
    }

    public LabelMaskCache(GpuContext gpu) {
        this.gpu = gpu;
    }

    /** The label for {@code text}, rendered and uploaded on first use; null when there is nothing to draw. */
    public synchronized DeviceMask get(String text, int maxWidth, int height) {
        if (closed) {
            throw new IllegalStateException("LabelMaskCache is closed");
        }
        Key key = new Key(text, maxWidth, height);
        Entry e = cache.get(key);
        if (e != null) {
            return e.mask();
        }
        LabelRenderer.Mask m = renderer.render(text, maxWidth, height);
        if (m.isEmpty()) {
            return null;
        }
        DeviceBuffer buf = gpu.allocateDevice(m.alpha().length);
        try {
            Cuda.check("cuMemcpyHtoD(label)", JCudaDriver.cuMemcpyHtoD(buf.pointer(), Pointer.to(m.alpha()),
                    m.alpha().length));
        } catch (GpuFault f) {
            buf.close();
            throw f;
        }
        DeviceMask dm = new DeviceMask(buf.address(), m.width(), m.height());
        cache.put(key, new Entry(buf, dm));
        if (cache.size() > CAPACITY) {
            Map.Entry<Key, Entry> eldest = cache.entrySet().iterator().next();
            cache.remove(eldest.getKey());
            eldest.getValue().buffer().close();
        }
        return dm;
    }

    /**
     * Writes one AmsMask entry (layout in {@link KernelAbi}) at {@code table}'s position, advancing
     * it: the white label drawn with its top-left corner at canvas pixel (x, y) (both even) of a
     * canvas with the given planes. The caller clips (x, y, w, h) to the canvas.
     */
    public static void writeEntry(ByteBuffer table, DeviceMask mask, long canvasY, long canvasUV, long pitch, int x,
            int y) {
        ByteBuffer t = table.order(ByteOrder.LITTLE_ENDIAN);
        int at = t.position();
        int[] white = io.ams.engine.compose.Yuv.fromRgb(0xFFFFFF);
        t.putLong(at + KernelAbi.MASK_ALPHA_OFFSET, mask.alphaAddress());
        t.putLong(at + KernelAbi.MASK_DST_Y_OFFSET, canvasY);
        t.putLong(at + KernelAbi.MASK_DST_UV_OFFSET, canvasUV);
        t.putInt(at + KernelAbi.MASK_DST_PITCH_OFFSET, (int) pitch);
        t.putInt(at + KernelAbi.MASK_ALPHA_PITCH_OFFSET, mask.width());
        t.putShort(at + KernelAbi.MASK_X_OFFSET, (short) x);
        t.putShort(at + KernelAbi.MASK_Y_POS_OFFSET, (short) y);
        t.putShort(at + KernelAbi.MASK_W_OFFSET, (short) mask.width());
        t.putShort(at + KernelAbi.MASK_H_OFFSET, (short) mask.height());
        t.put(at + KernelAbi.MASK_COLOR_Y_OFFSET, (byte) white[0]);
        t.put(at + KernelAbi.MASK_COLOR_U_OFFSET, (byte) white[1]);
        t.put(at + KernelAbi.MASK_COLOR_V_OFFSET, (byte) white[2]);
        t.put(at + KernelAbi.MASK_RESERVED0_OFFSET, (byte) 0);
        t.putInt(at + KernelAbi.MASK_RESERVED1_OFFSET, 0);
        t.position(at + KernelAbi.MASK_BYTES);
    }

    /** Labels cached now. */
    public synchronized int size() {
        return cache.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Entry e : cache.values()) {
            e.buffer().close();
        }
        cache.clear();
    }
}
