package io.ams.engine.gpu;

import java.util.List;

/**
 * What the start-up probe found about the GPU: whether the GPU backend may be used, why (or why
 * not), and the device's facts. Immutable.
 *
 * @param usable      true when a CUDA device answered, the kernels' fatbin is packaged and NVDEC works
 * @param reason      one line a person can act on, e.g. "no NVIDIA driver found (/proc/driver/nvidia/version is absent)"
 * @param name        device name ("NVIDIA H100 80GB HBM3"); empty when unknown
 * @param memoryBytes device memory in bytes; 0 when unknown
 * @param driver      driver version from /proc/driver/nvidia/version plus the CUDA driver API version; empty when unknown
 * @param ccMajor     compute capability major (9 for Hopper); 0 when unknown
 * @param ccMinor     compute capability minor
 * @param nvdecCodecs codecs FFmpeg decoded on NVDEC in the probe ("h264", "vp8")
 * @param nvenc       whether h264_nvenc opened a 256x256 encoder (false on H100/H200: no NVENC)
 */
public record GpuInfo(boolean usable, String reason, String name, long memoryBytes, String driver, int ccMajor,
        int ccMinor, List<String> nvdecCodecs, boolean nvenc) {

    public GpuInfo {
        reason = reason == null ? "" : reason;
        name = name == null ? "" : name;
        driver = driver == null ? "" : driver;
        nvdecCodecs = List.copyOf(nvdecCodecs == null ? List.of() : nvdecCodecs);
    }

    /** A GPU that cannot be used, with the reason. */
    public static GpuInfo unusable(String reason) {
        return new GpuInfo(false, reason, "", 0, "", 0, 0, List.of(), false);
    }

    /** The same facts with a different verdict. */
    public GpuInfo withVerdict(boolean usable, String reason) {
        return new GpuInfo(usable, reason, name, memoryBytes, driver, ccMajor, ccMinor, nvdecCodecs, nvenc);
    }

    /** One line for EngineInfo.backend_reason, e.g. "NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB, driver 580.65.06 / CUDA 13.0), NVDEC h264 vp8, no NVENC". */
    public String summary() {
        if (name.isEmpty()) {
            return reason;
        }
        return name + " (sm_" + ccMajor + ccMinor + ", " + gib(memoryBytes) + ", driver " + driver + "), NVDEC "
                + (nvdecCodecs.isEmpty() ? "none" : String.join(" ", nvdecCodecs))
                + (nvenc ? ", NVENC h264" : ", no NVENC (CPU encode)");
    }

    /** The readable multi-line block logged at start-up. */
    public String describe() {
        StringBuilder b = new StringBuilder("GPU probe:\n");
        b.append("  usable:   ").append(usable ? "yes" : "no").append('\n');
        b.append("  reason:   ").append(reason).append('\n');
        if (!name.isEmpty()) {
            b.append("  device:   ").append(name).append(" (compute capability ").append(ccMajor).append('.')
                    .append(ccMinor).append(", ").append(gib(memoryBytes)).append(")\n");
            b.append("  driver:   ").append(driver).append('\n');
            b.append("  NVDEC:    ").append(nvdecCodecs.isEmpty() ? "none" : String.join(", ", nvdecCodecs)).append('\n');
            b.append("  NVENC:    ").append(nvenc ? "h264_nvenc" : "absent (mix encoded on the CPU)").append('\n');
        }
        return b.toString();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
