package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jcuda.driver.JCudaDriver;

/**
 * Page-locked host memory (cuMemAllocHost): the only host memory the device copies to and from
 * asynchronously. Used for the canvas downloads and the tile-table uploads. Allocated once (it
 * synchronises), owned by whoever created it and freed by {@link #close()}. Not thread-safe.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final GpuContext gpu;
    private final Cuda.HostPointer pointer = new Cuda.HostPointer();
    private final long bytes;
    private final ByteBuffer view;
    private boolean closed;

    PinnedBuffer(GpuContext gpu, long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pinned buffer size out of range: " + bytes);
        }
        this.gpu = gpu;
        this.bytes = bytes;
        gpu.ensureCurrent();
        Cuda.check("cuMemAllocHost(" + bytes + ")", JCudaDriver.cuMemAllocHost(pointer, bytes));
        this.view = pointer.getByteBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The whole buffer as a little-endian direct ByteBuffer (a view: valid until close). */
    public ByteBuffer buffer() {
        return view.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long bytes() {
        return bytes;
    }

    long address() {
        return pointer.address();
    }

    Cuda.HostPointer pointer() {
        return pointer;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpu.ensureCurrent();
        Cuda.checkFree("cuMemFreeHost(pinned buffer)", JCudaDriver.cuMemFreeHost(pointer));
    }
}
