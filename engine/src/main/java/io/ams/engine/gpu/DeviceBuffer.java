package io.ams.engine.gpu;

import jcuda.driver.JCudaDriver;

/**
 * Plain device memory from cuMemAlloc (tile tables, label masks). Allocated once, never per frame
 * (cuMemAlloc and cuMemFree synchronise the device); owned by its creator, freed by
 * {@link #close()}.
 */
final class DeviceBuffer implements AutoCloseable {
    private final GpuContext gpu;
    private final Cuda.DevicePointer pointer = new Cuda.DevicePointer();
    private final long bytes;
    private boolean closed;

    DeviceBuffer(GpuContext gpu, long bytes) {
        this.gpu = gpu;
        this.bytes = bytes;
        gpu.ensureCurrent();
        Cuda.check("cuMemAlloc(" + bytes + ")", JCudaDriver.cuMemAlloc(pointer, bytes));
    }

    long address() {
        return pointer.address();
    }

    Cuda.DevicePointer pointer() {
        return pointer;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        gpu.ensureCurrent();
        Cuda.checkFree("cuMemFree(device buffer)", JCudaDriver.cuMemFree(pointer));
    }
}
