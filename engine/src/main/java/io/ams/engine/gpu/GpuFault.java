package io.ams.engine.gpu;

/**
 * A CUDA call failed (any CUresult other than CUDA_SUCCESS, out of memory included). The message
 * names the call and the result, e.g. "cuLaunchKernel(ams_composite): CUDA_ERROR_LAUNCH_FAILED".
 *
 * <p>A GpuFault is never caused by bad media (that is dropped and counted): it means the room's
 * GPU path cannot be trusted any more. Whoever drives the room catches it, moves the room to the
 * CPU backend and keeps it running (see {@link GpuRoomPipeline}). This class does not touch JCuda,
 * so code on CPU-only machines may catch it.
 */
public final class GpuFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int result;
    private final String resultName;

    public GpuFault(String call, int result, String resultName) {
        super(call + ": " + resultName);
        this.call = call;
        this.result = result;
        this.resultName = resultName;
    }

    /** The failed call, e.g. "cuLaunchKernel(ams_composite)". */
    public String call() {
        return call;
    }

    /** The CUresult code (e.g. 719). */
    public int result() {
        return result;
    }

    /** The CUresult name (e.g. "CUDA_ERROR_LAUNCH_FAILED"). */
    public String resultName() {
        return resultName;
    }
}
