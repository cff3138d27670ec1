package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.EngineConfig;
import io.ams.engine.control.MixerService;
import io.ams.engine.metrics.EngineMetrics;
import io.ams.engine.room.RoomManager;

/**
 * GPU meters from nvidia-smi's CSV. The driver's own tool is not on this machine, so a script
 * that prints what nvidia-smi prints for an H100 and an H200 (captured from the documented
 * {@code --query-gpu} format; NVENC is "[N/A]" on both) stands in for it.
 */
class GpuUsageTest {
    static final String TWO_GPUS = "0, NVIDIA H100 80GB HBM3, 1234, 81559, 37, 12, [N/A]\n"
            + "1, NVIDIA H200, 0, 143771, 0, 0, [N/A]\n";

    @TempDir
    Path dir;

    @Test
    void theCsvBecomesBytesAndRatiosWithNaWhereTheDeviceHasNone() {
        List<GpuUsage.Device> d = GpuUsage.parse(TWO_GPUS);
        assertThat(d).hasSize(2);
        assertThat(d.get(0).name()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(d.get(0).memoryUsedBytes()).isEqualTo(1234.0 * 1024 * 1024);
        assertThat(d.get(0).memoryTotalBytes()).isEqualTo(81559.0 * 1024 * 1024);
        assertThat(d.get(0).sm()).isEqualTo(0.37);
        assertThat(d.get(0).decoder()).isEqualTo(0.12);
        assertThat(d.get(0).encoder()).as("no NVENC on an H100").isNaN();
        assertThat(d.get(1).index()).isEqualTo(1);
        assertThatThrownBy(() -> GpuUsage.parse("0, H100, lots, 1, 2, 3, 4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an nvidia-smi");
        assertThatThrownBy(() -> GpuUsage.parse("Failed to initialize NVML: Driver/library version mismatch"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEngineServesGpuMetersFromTheDriversToolAndKeepsTheLastSampleWhenItFails() throws Exception {
        Path smi = dir.resolve("nvidia-smi");
        Path fail = dir.resolve("fail");
        Files.writeString(smi, "#!/bin/sh\n[ -e " + fail + " ] && { echo 'NVML: unknown error'; exit 9; }\nprintf '"
                + TWO_GPUS.replace("\n", "\\n") + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));
        GpuUsage gpu = GpuUsage.withCommand(List.of(smi.toString())).orElseThrow();
        RoomManager rooms = new RoomManager(EngineConfig.ephemeral());
        try {
            EngineMetrics m = new EngineMetrics(rooms, new MixerService(rooms), gpu);
            String body = m.scrape();
            assertThat(body).contains("ams_engine_gpu_memory_used_bytes{gpu=\"0\",name=\"NVIDIA H100 80GB HBM3\"} 1.293942784E9");
            assertThat(body).contains("ams_engine_gpu_memory_total_bytes{gpu=\"1\",name=\"NVIDIA H200\"} 1.50754820096E11");
            assertThat(body).contains("ams_engine_gpu_utilization{gpu=\"0\",name=\"NVIDIA H100 80GB HBM3\",unit=\"sm\"} 0.37");
            assertThat(body).contains("ams_engine_gpu_utilization{gpu=\"0\",name=\"NVIDIA H100 80GB HBM3\",unit=\"encoder\"} NaN");

            Files.createFile(fail);
            java.lang.reflect.Field f = GpuUsage.class.getDeclaredField("lastNanos");
            f.setAccessible(true);
            f.setLong(gpu, System.nanoTime() - GpuUsage.MAX_AGE_NANOS - 1); // the cached sample is old
            String after = m.scrape();
            assertThat(gpu.failures()).isEqualTo(1);
            assertThat(after).as("the last good sample stays").contains("unit=\"sm\"} 0.37");
            assertThat(after).contains("ams_engine_gpu_usage_read_failures_total 1.0");
        } finally {
            rooms.close();
        }
    }

    @Test
    void withoutAnNvidiaDriverThereAreNoGpuMeters() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")),
                "this machine has an NVIDIA driver");
        assertThat(GpuUsage.ofThisMachine()).isEmpty();
        RoomManager rooms = new RoomManager(EngineConfig.ephemeral());
        try {
            assertThat(new EngineMetrics(rooms, new MixerService(rooms)).scrape()).doesNotContain("ams_engine_gpu");
        } finally {
            rooms.close();
        }
        assertThat(GpuUsage.withCommand(List.of("/nonexistent/nvidia-smi"))).isEmpty();
    }
}
