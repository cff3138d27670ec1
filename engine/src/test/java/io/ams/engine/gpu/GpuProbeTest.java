package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JCuda-free probe: what it says on a machine without a GPU, and that it never loads JCuda there. */
class GpuProbeTest {
    static final List<String> JCUDA_CLASSES = List.of("jcuda.driver.JCudaDriver", "jcuda.LibUtils", "jcuda.Pointer",
            "jcuda.driver.CUresult", "jcuda.driver.CUcontext", "io.ams.engine.gpu.CudaDeviceProbe");

    /** Loads engine and JCuda classes afresh (child first), so findLoadedClass tells what a run touched. */
    static final class FreshLoader extends URLClassLoader {
        FreshLoader() throws Exception {
            super(classPath(), ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }

        private static URL[] classPath() throws Exception {
            List<URL> urls = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                urls.add(new File(e).toURI().toURL());
            }
            return urls.toArray(URL[]::new);
        }
    }

    @Test
    void withoutADriverTheProbeSaysWhyAndNeverLoadsJCuda() throws Exception {
        Assumptions.assumeFalse(Files.exists(GpuProbe.DRIVER_VERSION),
                "this machine has an NVIDIA driver: the CPU-only verdict cannot be checked here");
        try (FreshLoader loader = new FreshLoader()) {
            Class<?> probe = loader.loadClass("io.ams.engine.gpu.GpuProbe");
            Object info = probe.getMethod("probeNow").invoke(null);
            boolean usable = (boolean) info.getClass().getMethod("usable").invoke(info);
            String reason = (String) info.getClass().getMethod("reason").invoke(info);
            assertThat(usable).isFalse();
            assertThat(reason).isEqualTo("no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
            // the whole start-up decision too
            Class<?> sel = loader.loadClass("io.ams.engine.backend.BackendSelection");
            Class<?> choice = loader.loadClass("io.ams.engine.EngineConfig$BackendChoice");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object auto = Enum.valueOf((Class) choice, "AUTO");
            Object selection = sel.getMethod("select", choice).invoke(null, auto);
            assertThat(selection.getClass().getMethod("reason").invoke(selection))
                    .isEqualTo("auto: CPU backend because no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
            assertThat(loader.loaded("io.ams.engine.gpu.GpuProbe")).as("the probe ran in the fresh loader").isTrue();
            for (String name : JCUDA_CLASSES) {
                assertThat(loader.loaded(name)).as(name + " loaded").isFalse();
            }
        }
    }

    @Test
    void precheckNamesTheFirstMissingPiece(@TempDir Path dir) throws Exception {
        Path version = dir.resolve("version");
        GpuInfo noDriver = GpuProbe.precheck(version, lib -> Optional.of(dir), true);
        assertThat(noDriver.usable()).isFalse();
        assertThat(noDriver.reason()).isEqualTo("no NVIDIA driver found (" + version + " is absent)");

        Files.writeString(version, "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.65.06  Sun Jul 27 07:09:05 UTC 2025\n"
                + "GCC version:  gcc version 12.2.0\n");
        GpuInfo noLib = GpuProbe.precheck(version, lib -> Optional.empty(), true);
        assertThat(noLib.usable()).isFalse();
        assertThat(noLib.reason()).contains("libcuda.so.1 is not installed").contains("580.65.06")
                .contains("NVIDIA_DRIVER_CAPABILITIES");

        GpuInfo noKernels = GpuProbe.precheck(version, lib -> Optional.of(dir.resolve(lib)), false);
        assertThat(noKernels.usable()).isFalse();
        assertThat(noKernels.reason()).contains("/io/ams/native/ams_kernels.fatbin is missing");

        assertThat(GpuProbe.precheck(version, lib -> Optional.of(dir.resolve(lib)), true)).isNull();
        assertThat(GpuProbe.driverVersion(GpuProbe.driverLine(version))).isEqualTo("580.65.06");
    }

    @Test
    void findsLibrariesThatExistAndNotOnesThatDoNot() {
        assertThat(GpuProbe.findLibrary("libc.so.6")).isPresent();
        assertThat(GpuProbe.findLibrary("libdoes-not-exist-ams.so.9")).isEmpty();
    }

    @Test
    void infoSummaryAndLogBlockAreReadable() {
        GpuInfo h100 = new GpuInfo(true, "ok", "NVIDIA H100 80GB HBM3", 85_520_809_984L, "580.65.06 / CUDA 13.0", 9, 0,
                List.of("h264", "vp8"), false);
        assertThat(h100.summary()).isEqualTo(
                "NVIDIA H100 80GB HBM3 (sm_90, 79.6 GiB, driver 580.65.06 / CUDA 13.0), NVDEC h264 vp8, no NVENC (CPU encode)");
        assertThat(h100.describe()).contains("usable:   yes").contains("NVDEC:    h264, vp8")
                .contains("NVENC:    absent (mix encoded on the CPU)");
        GpuInfo none = GpuInfo.unusable("no NVIDIA driver found (/proc/driver/nvidia/version is absent)");
        assertThat(none.summary()).isEqualTo(none.reason());
        assertThat(none.describe()).contains("usable:   no").doesNotContain("device:");
    }
}
