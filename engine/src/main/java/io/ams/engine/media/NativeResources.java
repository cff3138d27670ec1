package io.ams.engine.media;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts native buffers (FFmpeg frames and packets) that are allocated and not yet freed, so
 * tests can fail on a leak and the stats API can show them. Every allocation site that hands
 * out an owned native buffer calls {@code allocated}, and its single release path calls
 * {@code freed}.
 */
public final class NativeResources {
    private static final AtomicLong FRAMES = new AtomicLong();
    private static final AtomicLong PACKETS = new AtomicLong();

    private NativeResources() {
    }

    public static void frameAllocated() {
        FRAMES.incrementAndGet();
    }

    public static void frameFreed() {
        FRAMES.decrementAndGet();
    }

    public static void packetAllocated() {
        PACKETS.incrementAndGet();
    }

    public static void packetFreed() {
        PACKETS.decrementAndGet();
    }

    /** AVFrames allocated by the engine and not yet freed. */
    public static long outstandingFrames() {
        return FRAMES.get();
    }

    /** AVPackets allocated by the engine and not yet freed. */
    public static long outstandingPackets() {
        return PACKETS.get();
    }
}
