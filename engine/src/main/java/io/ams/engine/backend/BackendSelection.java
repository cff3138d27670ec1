package io.ams.engine.backend;

import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineConfig.BackendChoice;
import io.ams.engine.EngineException;
import io.ams.engine.gpu.GpuContext;
import io.ams.engine.gpu.GpuInfo;
import io.ams.engine.gpu.GpuProbe;
import io.ams.proto.v1.Backend;

/**
 * Chooses the compositing backend at start-up and says why; the reason is what GetEngineInfo
 * reports as backend_reason (for the GPU it carries the probe's summary: device, driver, NVDEC
 * codecs, NVENC).
 *
 * <ul>
 * <li>AUTO: GPU when {@link GpuProbe} says usable and the {@link GpuContext} starts, else CPU with
 * the reason (e.g. "auto: CPU backend because no NVIDIA driver found (/proc/driver/nvidia/version is absent)");</li>
 * <li>CPU: CPU;</li>
 * <li>GPU: GPU, or {@link EngineException} FAILED_PRECONDITION with the reason.</li>
 * </ul>
 *
 * @param backend the backend chosen
 * @param reason  why, one line
 * @param gpu     the process's GPU context when the backend is GPU; null for CPU
 */
public record BackendSelection(Backend backend, String reason, GpuContext gpu) {
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelection.class);

    public static BackendSelection select(BackendChoice choice) {
        if (choice == BackendChoice.CPU) {
            return new BackendSelection(Backend.CPU, "CPU backend requested", null);
        }
        return select(choice, GpuProbe::probe, GpuContext::open);
    }

    /**
     * The same decision without starting the CUDA context (no device memory, no frame pools): for an
     * engine that has no device backend to run outputs on, so that start-up does not pay for a GPU
     * it then does not use. {@link #gpu()} is null.
     */
    public static BackendSelection probeOnly(BackendChoice choice) {
        return select(choice, GpuProbe::probe, info -> null);
    }

    /** The decision with the probe and the context start-up given (tests pass fakes for both). */
    static BackendSelection select(BackendChoice choice, Supplier<GpuInfo> probe, Function<GpuInfo, GpuContext> start) {
        if (choice == BackendChoice.CPU) {
            return new BackendSelection(Backend.CPU, "CPU backend requested", null);
        }
        GpuInfo info = probe.get();
        String why;
        if (info.usable()) {
            try {
                GpuContext ctx = start.apply(info);
                String prefix = choice == BackendChoice.AUTO ? "auto: GPU backend on " : "GPU backend on ";
                return new BackendSelection(Backend.GPU, prefix + info.summary(), ctx);
            } catch (RuntimeException | LinkageError e) {
                why = "the GPU context did not start: " + e.getMessage();
                LOG.warn("GPU probe said usable but {}", why);
            }
        } else {
            why = info.reason();
        }
        if (choice == BackendChoice.GPU) {
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "GPU backend requested but not usable: " + why);
        }
        String reason = "auto: CPU backend because " + why;
        LOG.info("{}", reason);
        return new BackendSelection(Backend.CPU, reason, null);
    }
}
