package io.ams.engine.gpu;

import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Small helpers over the CUDA driver API as JCuda maps it: result checks that throw
 * {@link GpuFault}, device addresses as plain longs, and the copies and launches this package
 * makes. Everything runs on the legacy default stream ({@code null}), the stream FFmpeg's CUDA
 * code uses too, so decoder copies, kernels and downloads are ordered without events.
 * Only loaded after {@link GpuProbe} found a driver.
 */
final class Cuda {
    /** The legacy default stream. */
    static final CUstream DEFAULT_STREAM = null;

    private Cuda() {
    }

    /** Throws a {@link GpuFault} naming {@code call} unless {@code result} is CUDA_SUCCESS. */
    static void check(String call, int result) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new GpuFault(call, result, CUresult.stringFor(result));
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong FREE_ERRORS = new java.util.concurrent.atomic.AtomicLong();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Cuda.class);

    /**
     * The result of a free (cuMemFree, cuMemFreeHost): a failure is counted and logged, never
     * thrown, because frees run in close() paths that must go on freeing the rest. A failed free
     * almost always means the context holds a sticky error (every later call fails too); the
     * owner's other calls surface that as a {@link GpuFault}.
     *
     * @return true when the free succeeded
     */
    static boolean checkFree(String call, int result) {
        if (result == CUresult.CUDA_SUCCESS) {
            return true;
        }
        long n = FREE_ERRORS.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th ... failure
            LOG.warn("{} failed: {} ({} failed frees so far; the CUDA context likely holds a sticky error)", call,
                    CUresult.stringFor(result), n);
        }
        return false;
    }

    /** Frees that failed since start (see {@link #checkFree}). */
    static long freeErrors() {
        return FREE_ERRORS.get();
    }

    /** The name of a CUresult code, e.g. "CUDA_ERROR_LAUNCH_FAILED". */
    static String resultName(int result) {
        return CUresult.stringFor(result);
    }

    /** A device pointer for an address JCuda did not allocate (e.g. an FFmpeg frame's data[0]). */
    static CUdeviceptr device(long address) {
        return new DevicePointer(address);
    }

    /**
     * Launches {@code function} on the default stream with the given kernel arguments (each a
     * {@link Pointer} to its value). Honours {@link FaultInjector}.
     */
    static void launch(String name, CUfunction function, int gridX, int gridY, int gridZ, int block, Pointer... args) {
        String call = "cuLaunchKernel(" + name + ")";
        if (FaultInjector.takeLaunchFailure()) {
            check(call, CUresult.CUDA_ERROR_LAUNCH_FAILED);
        }
        check(call, JCudaDriver.cuLaunchKernel(function, gridX, gridY, gridZ, block, block, 1, 0, DEFAULT_STREAM,
                Pointer.to(args), null));
    }

    /** Asynchronous pitched device-to-device copy of {@code widthBytes} x {@code rows}. */
    static void copy2dDeviceToDevice(String call, long src, long srcPitch, long dst, long dstPitch, long widthBytes,
            long rows) {
        CUDA_MEMCPY2D c = new CUDA_MEMCPY2D();
        c.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        c.srcDevice = device(src);
        c.srcPitch = srcPitch;
        c.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        c.dstDevice = device(dst);
        c.dstPitch = dstPitch;
        c.WidthInBytes = widthBytes;
        c.Height = rows;
        check(call, JCudaDriver.cuMemcpy2DAsync(c, DEFAULT_STREAM));
    }

    /** Asynchronous pitched device-to-host copy (async only when {@code dst} is pinned). */
    static void copy2dDeviceToHost(String call, long src, long srcPitch, HostPointer dst, long dstOffset, long dstPitch,
            long widthBytes, long rows) {
        CUDA_MEMCPY2D c = new CUDA_MEMCPY2D();
        c.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        c.srcDevice = device(src);
        c.srcPitch = srcPitch;
        c.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
        c.dstHost = dst.withByteOffset(dstOffset);
        c.dstPitch = dstPitch;
        c.WidthInBytes = widthBytes;
        c.Height = rows;
        check(call, JCudaDriver.cuMemcpy2DAsync(c, DEFAULT_STREAM));
    }

    /** Asynchronous pitched host-to-device copy (async only when {@code src} is pinned). */
    static void copy2dHostToDevice(String call, Pointer src, long srcPitch, long dst, long dstPitch, long widthBytes,
            long rows) {
        CUDA_MEMCPY2D c = new CUDA_MEMCPY2D();
        c.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
        c.srcHost = src;
        c.srcPitch = srcPitch;
        c.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        c.dstDevice = device(dst);
        c.dstPitch = dstPitch;
        c.WidthInBytes = widthBytes;
        c.Height = rows;
        check(call, JCudaDriver.cuMemcpy2DAsync(c, DEFAULT_STREAM));
    }

    /** Waits for everything queued on the default stream; a failed kernel reports here. */
    static void synchronize(String after) {
        check("cuStreamSynchronize(" + after + ")", JCudaDriver.cuStreamSynchronize(DEFAULT_STREAM));
    }

    /**
     * A CUdeviceptr whose numeric address can be read: JCuda keeps it in protected fields. Passed
     * to cuMemAlloc, JCuda fills it in; built from a long, it points at memory someone else owns.
     */
    static final class DevicePointer extends CUdeviceptr {
        DevicePointer() {
        }

        DevicePointer(long address) {
            super(new CUdeviceptr(), address);
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A host pointer (pinned memory from cuMemAllocHost) whose numeric address can be read. */
    static final class HostPointer extends Pointer {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }
}
