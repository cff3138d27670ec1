package io.ams.engine.gpu;

import jcuda.driver.JCudaDriver;

/**
 * One pitched NV12 picture in device memory, allocated with cuMemAllocPitch for a maximum size:
 * the Y plane (maxHeight rows) followed by the interleaved UV plane (maxHeight/2 rows), both with
 * {@link #pitch()} bytes per row. Canvases and pooled decoder buffers are Nv12Surfaces. Owned by
 * its creator (a {@link DeviceBufferPool} or a pipeline) and freed by {@link #close()}.
 */
public final class Nv12Surface implements AutoCloseable {
    private final GpuContext gpu;
    private final Cuda.DevicePointer pointer = new Cuda.DevicePointer();
    private final int maxWidth;
    private final int maxHeight;
    private final long pitch;
    private boolean closed;

    Nv12Surface(GpuContext gpu, int maxWidth, int maxHeight) {
        if (maxWidth < 2 || maxHeight < 2 || maxWidth % 2 != 0 || maxHeight % 2 != 0) {
            throw new IllegalArgumentException("NV12 size must be even and at least 2x2: " + maxWidth + "x" + maxHeight);
        }
        this.gpu = gpu;
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        long[] p = new long[1];
        gpu.ensureCurrent();
        Cuda.check("cuMemAllocPitch(" + maxWidth + "x" + maxHeight * 3 / 2 + ")",
                JCudaDriver.cuMemAllocPitch(pointer, p, maxWidth, maxHeight * 3L / 2, 16));
        this.pitch = p[0];
    }

    /** Device address of the Y plane. */
    public long yAddress() {
        return pointer.address();
    }

    /** Device address of the interleaved UV plane. */
    public long uvAddress() {
        return pointer.address() + pitch * maxHeight;
    }

    /** Bytes per row of both planes. */
    public long pitch() {
        return pitch;
    }

    public int maxWidth() {
        return maxWidth;
    }

    public int maxHeight() {
        return maxHeight;
    }

    /** Fills both planes with {@code value} (e.g. 0x5A to poison a canvas in tests), asynchronously. */
    public void fill(byte value) {
        gpu.ensureCurrent();
        Cuda.check("cuMemsetD8Async", JCudaDriver.cuMemsetD8Async(pointer, value, pitch * maxHeight * 3 / 2,
                Cuda.DEFAULT_STREAM));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpu.ensureCurrent();
        Cuda.checkFree("cuMemFree(NV12 surface)", JCudaDriver.cuMemFree(pointer));
    }
}
