package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CUDA results become GpuFaults that name the call and the result; the injector fails launches before any device call. */
class GpuFaultTest {
    @AfterEach
    void disarm() {
        FaultInjector.reset();
    }

    @Test
    void aFailedResultNamesTheCallAndTheResult() {
        assertThatThrownBy(() -> Cuda.check("cuMemAlloc(1048576)", 2))
                .isInstanceOf(GpuFault.class)
                .hasMessage("cuMemAlloc(1048576): CUDA_ERROR_OUT_OF_MEMORY")
                .satisfies(e -> {
                    GpuFault f = (GpuFault) e;
                    assertThat(f.call()).isEqualTo("cuMemAlloc(1048576)");
                    assertThat(f.result()).isEqualTo(2);
                    assertThat(f.resultName()).isEqualTo("CUDA_ERROR_OUT_OF_MEMORY");
                });
        Cuda.check("cuInit", 0); // CUDA_SUCCESS passes
    }

    @Test
    void anArmedInjectorFailsTheNextLaunchOnly() {
        FaultInjector.failNextLaunch();
        assertThat(FaultInjector.pending()).isEqualTo(1);
        // the injected failure is raised before JCuda is called, so no device is needed
        assertThatThrownBy(() -> Cuda.launch("ams_composite", null, 1, 1, 1, 16))
                .isInstanceOf(GpuFault.class)
                .hasMessage("cuLaunchKernel(ams_composite): CUDA_ERROR_LAUNCH_FAILED");
        assertThat(FaultInjector.pending()).isZero();
        assertThat(FaultInjector.takeLaunchFailure()).isFalse();
    }
}
