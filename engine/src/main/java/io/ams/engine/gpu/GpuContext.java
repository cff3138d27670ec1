package io.ams.engine.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.media.FFmpegException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The process's one CUDA context and what hangs off it: device 0's primary context (retained with
 * cuDevicePrimaryCtxRetain), our kernels (the fatbin loaded with cuModuleLoadData, functions
 * {@code ams_composite} and {@code ams_blend_masks}), FFmpeg's CUDA hw device adopting that same
 * context ({@code av_hwdevice_ctx_create(..., "0", null, AV_CUDA_USE_CURRENT_CONTEXT)}) and the
 * pool of decoded-frame buffers.
 *
 * <p>Threads: a CUDA context must be current on every thread that calls JCuda. Every method in
 * this package that calls JCuda first calls {@link #ensureCurrent()}, which sets the primary
 * context current once per thread (a thread-local flag; FFmpeg pushes and pops the same context
 * around its own calls, which leaves ours current). No dedicated GPU thread: mixer and decoder
 * threads call in directly, and all work is queued on the legacy default stream.
 *
 * <p>Ownership: created once per process by {@link #open}, which returns the same instance on
 * later calls; it lives until the process exits (the driver frees the primary context then), so
 * it has no close. Thread-safe.
 */
public final class GpuContext {
    private static final Logger LOG = LoggerFactory.getLogger(GpuContext.class);
    /** AV_CUDA_USE_CURRENT_CONTEXT from libavutil/hwcontext_cuda.h (the presets do not map it). */
    static final int AV_CUDA_USE_CURRENT_CONTEXT = 2;

    private static GpuContext instance;

    private final GpuInfo info;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final CUfunction composite = new CUfunction();
    private final CUfunction blendMasks = new CUfunction();
    private final AVBufferRef hwDevice;              // FFmpeg's CUDA device, owned for the process
    private final DeviceBufferPool framePool;        // owned for the process
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /**
     * The process's GPU context, created on the first call: throws {@link GpuFault} naming the
     * failed CUDA call, or {@link IllegalStateException} when the fatbin is missing or FFmpeg
     * cannot adopt the context. Only call it after {@link GpuProbe} said the GPU is usable.
     */
    public static synchronized GpuContext open(GpuInfo info) {
        if (instance == null) {
            instance = new GpuContext(info, DeviceBufferPool.DEFAULT_CLASSES);
        }
        return instance;
    }

    private GpuContext(GpuInfo info, Map<DeviceBufferPool.SizeClass, Integer> poolClasses) {
        this.info = info;
        JCudaDriver.setExceptionsEnabled(false);
        Cuda.check("cuInit", JCudaDriver.cuInit(0));
        Cuda.check("cuDeviceGet(0)", JCudaDriver.cuDeviceGet(device, 0));
        Cuda.check("cuDevicePrimaryCtxRetain", JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
        ensureCurrent();
        byte[] fatbin = readFatbin();
        Cuda.check("cuModuleLoadData(" + KernelAbi.FATBIN_RESOURCE + ")",
                JCudaDriver.cuModuleLoadData(module, fatbin));
        Cuda.check("cuModuleGetFunction(" + KernelAbi.COMPOSITE_KERNEL + ")",
                JCudaDriver.cuModuleGetFunction(composite, module, KernelAbi.COMPOSITE_KERNEL));
        Cuda.check("cuModuleGetFunction(" + KernelAbi.BLEND_MASKS_KERNEL + ")",
                JCudaDriver.cuModuleGetFunction(blendMasks, module, KernelAbi.BLEND_MASKS_KERNEL));
        AVBufferRef ref = new AVBufferRef((org.bytedeco.javacpp.Pointer) null);
        int ret = avutil.av_hwdevice_ctx_create(ref, avutil.AV_HWDEVICE_TYPE_CUDA, "0", null,
                AV_CUDA_USE_CURRENT_CONTEXT);
        if (ret < 0 || ref.isNull()) {
            throw new IllegalStateException("FFmpeg cannot adopt the CUDA context: "
                    + new FFmpegException("av_hwdevice_ctx_create(cuda, current context)", ret).getMessage());
        }
        this.hwDevice = ref;
        this.framePool = new DeviceBufferPool(this, poolClasses);
        Cuda.synchronize("GPU context start-up");
        LOG.info("GPU context ready on {}: kernels loaded ({} bytes of fatbin), FFmpeg CUDA device adopted the"
                + " primary context, frame pool {}", info.name(), fatbin.length, poolClasses);
    }

    private static byte[] readFatbin() {
        try (InputStream in = GpuContext.class.getResourceAsStream(KernelAbi.FATBIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + KernelAbi.FATBIN_RESOURCE + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + KernelAbi.FATBIN_RESOURCE + ": " + e, e);
        }
    }

    /** Makes the primary context current on the calling thread (once per thread). */
    public void ensureCurrent() {
        if (!current.get()) {
            Cuda.check("cuCtxSetCurrent", JCudaDriver.cuCtxSetCurrent(context));
            current.set(Boolean.TRUE);
        }
    }

    /** Runs {@code work} with the context current on this thread. */
    public void runCurrent(Runnable work) {
        ensureCurrent();
        work.run();
    }

    /** What the probe found about this device. */
    public GpuInfo info() {
        return info;
    }

    /** FFmpeg's CUDA device (borrowed: av_buffer_ref it to keep it). */
    public AVBufferRef hwDevice() {
        return hwDevice;
    }

    /** Pooled NV12 buffers for decoded pictures. */
    public DeviceBufferPool framePool() {
        return framePool;
    }

    /** A new canvas (NV12, pitched), owned by the caller. Allocates: call at set-up, not per frame. */
    public Nv12Surface allocateCanvas(int width, int height) {
        return new Nv12Surface(this, width, height);
    }

    /** New pinned host memory, owned by the caller. Allocates: call at set-up, not per frame. */
    public PinnedBuffer allocatePinned(long bytes) {
        return new PinnedBuffer(this, bytes);
    }

    DeviceBuffer allocateDevice(long bytes) {
        return new DeviceBuffer(this, bytes);
    }

    CUfunction compositeKernel() {
        return composite;
    }

    CUfunction blendMasksKernel() {
        return blendMasks;
    }

    /** Waits for all queued GPU work; throws {@link GpuFault} when some of it failed. */
    public void synchronize() {
        ensureCurrent();
        Cuda.synchronize("synchronize");
    }
}
