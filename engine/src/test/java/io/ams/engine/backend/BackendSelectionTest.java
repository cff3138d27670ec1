package io.ams.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.ams.engine.EngineConfig.BackendChoice;
import io.ams.engine.EngineException;
import io.ams.engine.gpu.GpuFault;
import io.ams.engine.gpu.GpuInfo;
import io.ams.proto.v1.Backend;

/** auto|cpu|gpu and the reasons GetEngineInfo shows. */
class BackendSelectionTest {
    static final GpuInfo NO_DRIVER = GpuInfo.unusable("no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
    static final GpuInfo H100 = new GpuInfo(true, "ok", "NVIDIA H100 80GB HBM3", 85_520_809_984L, "580.65.06 / CUDA 13.0",
            9, 0, List.of("h264", "vp8"), false);

    @Test
    void cpuIsCpu() {
        BackendSelection s = BackendSelection.select(BackendChoice.CPU);
        assertThat(s.backend()).isEqualTo(Backend.CPU);
        assertThat(s.reason()).isEqualTo("CPU backend requested");
        assertThat(s.gpu()).isNull();
    }

    @Test
    void autoOnThisMachineFallsBackToCpuWithTheReason() {
        Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "this machine has an NVIDIA driver");
        BackendSelection s = BackendSelection.select(BackendChoice.AUTO);
        assertThat(s.backend()).isEqualTo(Backend.CPU);
        assertThat(s.reason()).isEqualTo("auto: CPU backend because no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
    }

    @Test
    void gpuOnThisMachineIsAFailedPreconditionWithTheReason() {
        Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "this machine has an NVIDIA driver");
        assertThatThrownBy(() -> BackendSelection.select(BackendChoice.GPU))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.FAILED_PRECONDITION))
                .hasMessage("GPU backend requested but not usable: no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
    }

    @Test
    void aUsableGpuIsChosenWithItsSummary() {
        BackendSelection auto = BackendSelection.select(BackendChoice.AUTO, () -> H100, info -> null);
        assertThat(auto.backend()).isEqualTo(Backend.GPU);
        assertThat(auto.reason()).isEqualTo("auto: GPU backend on NVIDIA H100 80GB HBM3 (sm_90, 79.6 GiB, driver"
                + " 580.65.06 / CUDA 13.0), NVDEC h264 vp8, no NVENC (CPU encode)");
        assertThat(BackendSelection.select(BackendChoice.GPU, () -> H100, info -> null).backend()).isEqualTo(Backend.GPU);
    }

    @Test
    void aContextThatFailsToStartMeansCpuForAutoAndAnErrorForGpu() {
        BackendSelection auto = BackendSelection.select(BackendChoice.AUTO, () -> H100, info -> {
            throw new GpuFault("cuModuleLoadData(/io/ams/native/ams_kernels.fatbin)", 209, "CUDA_ERROR_NO_BINARY_FOR_GPU");
        });
        assertThat(auto.backend()).isEqualTo(Backend.CPU);
        assertThat(auto.reason()).isEqualTo("auto: CPU backend because the GPU context did not start:"
                + " cuModuleLoadData(/io/ams/native/ams_kernels.fatbin): CUDA_ERROR_NO_BINARY_FOR_GPU");
        assertThatThrownBy(() -> BackendSelection.select(BackendChoice.GPU, () -> H100, info -> {
            throw new GpuFault("cuInit", 999, "CUDA_ERROR_UNKNOWN");
        })).isInstanceOf(EngineException.class).hasMessage(
                "GPU backend requested but not usable: the GPU context did not start: cuInit: CUDA_ERROR_UNKNOWN");
        assertThat(BackendSelection.select(BackendChoice.AUTO, () -> NO_DRIVER, info -> null).reason())
                .isEqualTo("auto: CPU backend because no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
    }
}
