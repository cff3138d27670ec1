package io.ams.gpubundle;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks, shipped in the GPU bundle only, that the machine can run the GPU backend at all: an
 * NVIDIA driver, its CUDA driver library and NVDEC's library. Without a driver every check is
 * skipped with the reason; with one, a missing library fails, naming it.
 */
@Tag("gpu")
class GpuMachineTest {

    private static final Path DRIVER = Path.of("/proc/driver/nvidia/version");

    @Test
    void driverHasTheCudaAndNvdecLibraries() throws Exception {
        assumeTrue(Files.exists(DRIVER), "no NVIDIA driver on this machine: " + DRIVER + " is absent");
        String cache = ldconfigCache();
        assertTrue(cache.contains("libcuda.so.1"), "libcuda.so.1 (CUDA driver API) is not in the ldconfig cache");
        assertTrue(cache.contains("libnvcuvid.so.1"), "libnvcuvid.so.1 (NVDEC) is not in the ldconfig cache");
    }

    private static String ldconfigCache() throws IOException, InterruptedException {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            if (ldconfig.startsWith("/") && !Files.isExecutable(Path.of(ldconfig))) {
                continue;
            }
            Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() == 0) {
                return out;
            }
        }
        throw new IOException("ldconfig -p did not run");
    }
}
