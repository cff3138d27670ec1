package io.ams.engine.gpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test hook that makes kernel launches fail as if the device had: the next
 * {@link #failNextLaunches(int) n} calls of cuLaunchKernel are not made and report
 * CUDA_ERROR_LAUNCH_FAILED instead, which surfaces as a {@link GpuFault}. Also armed at start-up by
 * the system property {@code -Dams.gpu.failLaunches=N}. Process-wide; inert unless armed.
 */
public final class FaultInjector {
    private static final AtomicInteger PENDING = new AtomicInteger(Integer.getInteger("ams.gpu.failLaunches", 0));

    private FaultInjector() {
    }

    /** The next launch fails. */
    public static void failNextLaunch() {
        failNextLaunches(1);
    }

    /** The next {@code n} launches fail. */
    public static void failNextLaunches(int n) {
        PENDING.addAndGet(Math.max(0, n));
    }

    /** Disarms it. */
    public static void reset() {
        PENDING.set(0);
    }

    /** Launch failures still armed. */
    public static int pending() {
        return PENDING.get();
    }

    /** Consumes one armed failure: true when this launch must fail. */
    static boolean takeLaunchFailure() {
        while (true) {
            int n = PENDING.get();
            if (n <= 0) {
                return false;
            }
            if (PENDING.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }
}
