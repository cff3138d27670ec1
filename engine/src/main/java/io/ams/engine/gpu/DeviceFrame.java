package io.ams.engine.gpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decoded picture on the GPU: a reference-counted lease of one pooled {@link Nv12Surface}
 * holding a width x height NV12 picture. Same ownership rule as
 * {@link io.ams.engine.media.VideoFrame}: it starts with one reference held by its creator; whoever
 * receives it owns that reference and releases it once; fan-out retains. The last release gives
 * the surface back to its pool (no device call, no synchronisation).
 *
 * <p>The pixels are written by copies queued on the default stream; any later work on the same
 * stream (the composite kernel) sees them complete.
 */
public final class DeviceFrame implements AutoCloseable {
    private final DeviceBufferPool pool;
    private final Nv12Surface surface;
    private final int width;
    private final int height;
    private final long receivedNanos;
    private final AtomicInteger refs = new AtomicInteger(1);

    DeviceFrame(DeviceBufferPool pool, Nv12Surface surface, int width, int height, long receivedNanos) {
        this.pool = pool;
        this.surface = surface;
        this.width = width;
        this.height = height;
        this.receivedNanos = receivedNanos;
    }

    public DeviceFrame retain() {
        int before = refs.getAndIncrement();
        if (before <= 0) {
            refs.getAndDecrement();
            throw new IllegalStateException("retain() of a released DeviceFrame");
        }
        return this;
    }

    public void release() {
        int after = refs.decrementAndGet();
        if (after == 0) {
            pool.giveBack(surface);
        } else if (after < 0) {
            throw new IllegalStateException("release() of an already released DeviceFrame");
        }
    }

    @Override
    public void close() {
        release();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Device address of the Y plane (the AmsTile srcY). */
    public long yAddress() {
        return surface.yAddress();
    }

    /** Device address of the UV plane (the AmsTile srcUV). */
    public long uvAddress() {
        return surface.uvAddress();
    }

    /** Bytes per row of both planes (the AmsTile srcPitch). */
    public long pitch() {
        return surface.pitch();
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public int refCount() {
        return refs.get();
    }
}
