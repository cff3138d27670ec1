package io.ams.engine.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' memory and utilisation as the NVIDIA driver reports them ({@code nvidia-smi}), for
 * the engine's metrics. It reads the whole device, not only this engine's share: on a GPU shared
 * with other processes the figures include theirs. A sample is taken at most every
 * {@link #MAX_AGE_NANOS} (a scrape reads the cached one), with a 2 s limit on the command; a
 * failed sample keeps the last good one and is counted. No JCuda: it runs before, and without, a
 * CUDA context. Thread-safe.
 */
public final class GpuUsage {
    private static final Logger LOG = LoggerFactory.getLogger(GpuUsage.class);
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final String QUERY = "index,name,memory.used,memory.total,utilization.gpu,utilization.decoder,"
            + "utilization.encoder";

    /** One device: memory in bytes, utilisations as ratios 0..1 (NaN where the driver says N/A). */
    public record Device(int index, String name, double memoryUsedBytes, double memoryTotalBytes, double sm,
                         double decoder, double encoder) {
    }

    private final List<String> command;
    private List<Device> last = List.of();
    private long lastNanos = Long.MIN_VALUE;
    private long failures;

    GpuUsage(List<String> command) {
        this.command = List.copyOf(command);
    }

    /**
     * The usage reader of this machine: present when an NVIDIA kernel driver is loaded and
     * {@code nvidia-smi} lists at least one device; empty otherwise (no GPU meters then).
     */
    public static java.util.Optional<GpuUsage> ofThisMachine() {
        if (!Files.exists(Path.of("/proc/driver/nvidia/version"))) {
            return java.util.Optional.empty();
        }
        return withCommand(List.of("nvidia-smi", "--query-gpu=" + QUERY, "--format=csv,noheader,nounits"));
    }

    /** A reader running {@code command} (it prints nvidia-smi's CSV); empty when its first sample finds no device. */
    public static java.util.Optional<GpuUsage> withCommand(List<String> command) {
        GpuUsage u = new GpuUsage(command);
        return u.devices().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(u);
    }

    /** The latest sample (taken now when the cached one is older than 5 s). */
    public synchronized List<Device> devices() {
        long now = System.nanoTime();
        if (lastNanos != Long.MIN_VALUE && now - lastNanos < MAX_AGE_NANOS) {
            return last;
        }
        lastNanos = now;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " took longer than 2 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(command.get(0) + " exited " + p.exitValue() + ": " + text.strip());
            }
            last = parse(text);
        } catch (IOException | RuntimeException e) {
            failed(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed("interrupted");
        }
        return last;
    }

    private void failed(String why) {
        failures++;
        if (failures == 1 || Long.bitCount(failures) == 1) {
            LOG.warn("reading GPU usage failed ({} times so far): {}", failures, why);
        }
    }

    /** Samples that failed (the command missing, slow or refusing) since start. */
    public synchronized long failures() {
        return failures;
    }

    /**
     * nvidia-smi's {@code --format=csv,noheader,nounits} lines of {@link #QUERY}: memory in MiB,
     * utilisation in percent, "[N/A]" or "[Not Supported]" where the device has no such figure.
     *
     * @throws IllegalArgumentException for a line that is not of that shape
     */
    static List<Device> parse(String csv) {
        List<Device> out = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 7) {
                throw new IllegalArgumentException("not an nvidia-smi " + QUERY + " line: " + line);
            }
            try {
                out.add(new Device(Integer.parseInt(f[0].strip()), f[1].strip(), mib(f[2]), mib(f[3]), percent(f[4]),
                        percent(f[5]), percent(f[6])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an nvidia-smi " + QUERY + " line: " + line, e);
            }
        }
        return out;
    }

    private static double mib(String s) {
        double v = number(s);
        return Double.isNaN(v) ? v : v * 1024 * 1024;
    }

    private static double percent(String s) {
        double v = number(s);
        return Double.isNaN(v) ? v : v / 100;
    }

    private static double number(String s) {
        String t = s.strip();
        if (t.startsWith("[") || t.toLowerCase(Locale.ROOT).startsWith("n/a")) {
            return Double.NaN;
        }
        return Double.parseDouble(t);
    }
}
