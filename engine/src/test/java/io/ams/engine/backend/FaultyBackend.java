package io.ams.engine.backend;

import java.util.concurrent.atomic.AtomicBoolean;

import io.ams.engine.codec.EncoderConfig;
import io.ams.proto.v1.Backend;

/**
 * A stand-in for the GPU backend that needs no GPU: it mixes on the CPU, reports itself as the GPU,
 * and faults (as a sticky CUDA error would: every later call too) from frame {@code failAt} on.
 */
public final class FaultyBackend implements MixBackend {
    public static final String FAULT = "cuLaunchKernel failed: CUDA_ERROR_LAUNCH_FAILED (injected)";
    private final CpuMixBackend inner;
    private final long failAt;
    private final AtomicBoolean closed = new AtomicBoolean();
    private BackendFault fault;
    private long frames;

    public FaultyBackend(EncoderConfig config, long failAt) {
        this.inner = CpuMixBackend.open(config, "inner");
        this.failAt = failAt;
    }

    @Override
    public Result mix(Frame frame) {
        if (fault == null && frames >= failAt) {
            fault = new BackendFault(FAULT);
        }
        if (fault != null) {
            throw fault;
        }
        frames++;
        return inner.mix(frame);
    }

    public long framesMixed() {
        return frames;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public Backend kind() {
        return Backend.GPU;
    }

    @Override
    public String encoderName() {
        return inner.encoderName();
    }

    @Override
    public String reason() {
        return "test stand-in for the GPU (no device)";
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inner.close();
        }
    }
}
