package io.ams.engine.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.EncoderConfig;
import io.ams.proto.v1.Backend;

/**
 * The engine's choice of backend per output: the device backend where the engine has one and it
 * is not backing off, else the CPU. A device output is wrapped in {@link FallbackMixBackend}, so
 * a fault moves that output to the CPU without dropping it; each fault starts (or doubles) a
 * back-off during which new outputs open on the CPU, so a failing GPU is not hammered by every
 * new room. The back-off starts at {@code base}, doubles per fault up to {@code max}, and starts
 * over at {@code base} when the last fault is older than {@code max}.
 *
 * <p>Thread-safe: outputs open on control threads and fault on clock threads.
 */
public final class BackendPolicy implements MixBackends {
    private static final Logger LOG = LoggerFactory.getLogger(BackendPolicy.class);
    public static final long DEFAULT_BACKOFF_MS = 30_000;
    public static final long DEFAULT_MAX_BACKOFF_MS = 600_000;

    /** Opens a device (GPU) backend for one output. */
    public interface DeviceBackends {
        /**
         * @throws BackendFault when the device cannot take this output (out of memory, a sticky error)
         */
        MixBackend open(String roomId, String outputId, EncoderConfig config);
    }

    private final String cpuReason;
    private final DeviceBackends device;   // null: CPU only
    private final LongSupplier nanoClock;
    private final long baseNanos;
    private final long maxNanos;
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong deviceOutputs = new AtomicLong();
    // guarded by this
    private long backoffNanos;
    private long lastFaultNanos;
    private long retryAtNanos;
    private String lastFault;

    /**
     * @param cpuReason the reason CPU outputs report when there is no device (the engine's selection)
     * @param device    null for a CPU-only engine
     */
    public BackendPolicy(String cpuReason, DeviceBackends device, LongSupplier nanoClock, long baseBackoffMs,
            long maxBackoffMs) {
        if (baseBackoffMs <= 0 || maxBackoffMs < baseBackoffMs) {
            throw new IllegalArgumentException("back-off must be > 0 and max >= base, was " + baseBackoffMs + "/"
                    + maxBackoffMs + " ms");
        }
        this.cpuReason = cpuReason;
        this.device = device;
        this.nanoClock = nanoClock;
        this.baseNanos = TimeUnit.MILLISECONDS.toNanos(baseBackoffMs);
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxBackoffMs);
    }

    public static BackendPolicy cpuOnly(String reason) {
        return new BackendPolicy(reason, null, System::nanoTime, DEFAULT_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS);
    }

    @Override
    public MixBackend open(String roomId, String outputId, EncoderConfig config, Events events) {
        if (device == null) {
            return CpuMixBackend.open(config, cpuReason);
        }
        String wait = backingOff();
        if (wait != null) {
            return CpuMixBackend.open(config, wait);
        }
        MixBackend primary;
        try {
            primary = device.open(roomId, outputId, config);
        } catch (BackendFault e) {
            faulted(e);
            LOG.warn("room {} output {}: the GPU cannot take it ({}); CPU backend", roomId, outputId, e.getMessage());
            return CpuMixBackend.open(config, "CPU backend: the GPU could not open this output: " + e.getMessage());
        }
        deviceOutputs.incrementAndGet();
        String what = "room " + roomId + " output " + outputId;
        return new FallbackMixBackend(what, primary, () -> CpuMixBackend.open(config, "CPU fallback"), (fault, now) -> {
            faulted(fault);
            if (events != null) {
                events.backendChanged(roomId, outputId, now, fault);
            }
        });
    }

    private synchronized String backingOff() {
        long now = nanoClock.getAsLong();
        if (lastFault == null || now - retryAtNanos >= 0) {
            return null;
        }
        return "CPU backend: the GPU is retried for new rooms in " + TimeUnit.NANOSECONDS.toSeconds(retryAtNanos - now + 999_999_999L)
                + " s (back-off after a fault: " + lastFault + ")";
    }

    private synchronized void faulted(BackendFault fault) {
        long now = nanoClock.getAsLong();
        fallbacks.incrementAndGet();
        if (lastFault == null || now - lastFaultNanos > maxNanos) {
            backoffNanos = baseNanos;
        } else {
            backoffNanos = Math.min(maxNanos, backoffNanos * 2);
        }
        lastFaultNanos = now;
        lastFault = fault.getMessage();
        retryAtNanos = now + backoffNanos;
        LOG.warn("GPU fault ({}): new outputs open on the CPU for the next {} s", fault.getMessage(),
                TimeUnit.NANOSECONDS.toSeconds(backoffNanos));
    }

    /** Outputs moved to the CPU after a fault, and device opens that failed, since start. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Outputs opened on the device since start. */
    public long deviceOutputs() {
        return deviceOutputs.get();
    }

    /** Milliseconds until new outputs try the device again; 0 when not backing off. */
    public synchronized long backoffRemainingMillis() {
        if (lastFault == null) {
            return 0;
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(retryAtNanos - nanoClock.getAsLong()));
    }

    /** The backend a new output gets now. */
    public Backend nextBackend() {
        return device != null && backingOff() == null ? Backend.GPU : Backend.CPU;
    }
}
