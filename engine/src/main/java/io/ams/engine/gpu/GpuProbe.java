package io.ams.engine.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides at start-up whether the GPU backend may be used, in two steps:
 * <ol>
 * <li>without JCuda: the NVIDIA kernel driver ({@code /proc/driver/nvidia/version}), the CUDA
 * driver library {@code libcuda.so.1} ({@code ldconfig -p}, {@code LD_LIBRARY_PATH} and the usual
 * directories) and the kernels' fatbin resource must all be there. JCuda's natives link against
 * libcuda.so.1 and fail to load without it, so on CPU-only machines (CI included) this class
 * never touches a JCuda class;</li>
 * <li>only then, with JCuda and FFmpeg ({@code CudaDeviceProbe}): cuInit, the device's name,
 * memory, compute capability and driver version, a CUDA hw device in FFmpeg, a real NVDEC decode
 * of one H.264 and one VP8 keyframe, and whether h264_nvenc opens.</li>
 * </ol>
 * The result is computed once per process ({@link #probe()}) and logged as one readable block.
 * Thread-safe.
 */
public final class GpuProbe {
    private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
    static final Path DRIVER_VERSION = Path.of("/proc/driver/nvidia/version");
    /** Where distributions and the NVIDIA container toolkit put the driver's user-space libraries. */
    static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/wsl/lib", "/lib/x86_64-linux-gnu");

    private static final Object LOCK = new Object();
    private static volatile GpuInfo cached;

    private GpuProbe() {
    }

    /** The probe's result, computed (and logged) on the first call only. */
    public static GpuInfo probe() {
        GpuInfo info = cached;
        if (info == null) {
            synchronized (LOCK) {
                info = cached;
                if (info == null) {
                    info = probeNow();
                    LOG.info("{}", info.describe().stripTrailing());
                    cached = info;
                }
            }
        }
        return info;
    }

    /** Runs the probe again (not cached, not logged). */
    public static GpuInfo probeNow() {
        GpuInfo refused = precheck(DRIVER_VERSION, GpuProbe::findLibrary,
                GpuProbe.class.getResource(KernelAbi.FATBIN_RESOURCE) != null);
        if (refused != null) {
            return refused;
        }
        try {
            return CudaDeviceProbe.probe(driverLine(DRIVER_VERSION));
        } catch (LinkageError | RuntimeException e) {
            return GpuInfo.unusable("JCuda or FFmpeg failed while probing the GPU: " + e);
        }
    }

    /**
     * The JCuda-free part of the probe: null when a GPU may be usable, otherwise the unusable
     * verdict with its reason.
     */
    static GpuInfo precheck(Path driverFile, Function<String, Optional<Path>> libraries, boolean fatbinPresent) {
        if (!Files.isReadable(driverFile)) {
            return GpuInfo.unusable("no NVIDIA driver found (" + driverFile + " is absent)");
        }
        if (libraries.apply("libcuda.so.1").isEmpty()) {
            return GpuInfo.unusable("the NVIDIA kernel driver is loaded (" + driverLine(driverFile)
                    + ") but libcuda.so.1 is not installed or not visible (ldconfig -p, LD_LIBRARY_PATH; in a container set"
                    + " NVIDIA_DRIVER_CAPABILITIES=compute,video,utility)");
        }
        if (!fatbinPresent) {
            return GpuInfo.unusable("this build has no CUDA kernels (resource " + KernelAbi.FATBIN_RESOURCE
                    + " is missing: build the native module with nvcc)");
        }
        return null;
    }

    /** The first line of the driver version file, e.g. "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.65.06 ...". */
    static String driverLine(Path driverFile) {
        try {
            List<String> lines = Files.readAllLines(driverFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).replaceAll("\\s+", " ").strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The kernel module's version number ("580.65.06") from its version line, or the whole line. */
    static String driverVersion(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Kernel Module\\s+(\\d+(?:\\.\\d+)+)").matcher(line);
        return m.find() ? m.group(1) : line;
    }

    /**
     * Where a shared library with this soname is, looking (in order) at {@code ldconfig -p},
     * {@code LD_LIBRARY_PATH} and {@link #LIBRARY_DIRS}; empty when it is nowhere.
     */
    public static Optional<Path> findLibrary(String soname) {
        for (String line : ldconfigLines()) {
            String t = line.strip();
            if (t.startsWith(soname + " ") && t.contains("x86-64") && t.contains("=>")) {
                Path p = Path.of(t.substring(t.indexOf("=>") + 2).strip());
                if (Files.exists(p)) {
                    return Optional.of(p);
                }
            }
        }
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(LIBRARY_DIRS);
        for (String d : dirs) {
            Path p = Path.of(d, soname);
            if (Files.exists(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<String> ldconfigLines() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            if (exe.startsWith("/") && !Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] out;
                try (InputStream in = p.getInputStream()) {
                    out = in.readAllBytes();
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    continue;
                }
                if (p.exitValue() == 0) {
                    return new String(out, StandardCharsets.UTF_8).lines().toList();
                }
            } catch (IOException e) {
                // try the next location
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }
}
