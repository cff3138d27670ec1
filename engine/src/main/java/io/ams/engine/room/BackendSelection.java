package io.ams.engine.room;

import java.nio.file.Files;
import java.nio.file.Path;

import io.ams.engine.EngineConfig.BackendChoice;
import io.ams.engine.EngineException;
import io.ams.proto.v1.Backend;

/**
 * Chooses the compositing backend at start-up and says why. This build has the CPU backend
 * only; the GPU backend (NVDEC + CUDA composite) plugs in here.
 */
public record BackendSelection(Backend backend, String reason) {

    public static BackendSelection select(BackendChoice choice) {
        boolean driver = Files.exists(Path.of("/proc/driver/nvidia/version"));
        String gpu = driver ? "an NVIDIA driver is present but this build has no GPU backend yet"
                : "no NVIDIA driver found (/proc/driver/nvidia/version is absent)";
        return switch (choice) {
            case CPU -> new BackendSelection(Backend.CPU, "CPU backend requested");
            case AUTO -> new BackendSelection(Backend.CPU, "auto: CPU backend because " + gpu);
            case GPU -> throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "GPU backend requested but not usable: " + gpu);
        };
    }
}
