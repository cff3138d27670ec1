package io.ams.sfu.bwe;

/**
 * The rate at which the receiver got our packets (bytes reported received over the last 500 ms of their
 * arrival times, receiver clock). NaN until 150 ms of arrivals are known.
 */
final class AckedBitrate {
    private static final long WINDOW_US = 500_000;
    private static final long MIN_SPAN_US = 150_000;
    private static final int CAP = 4096;

    private final long[] times = new long[CAP];
    private final int[] sizes = new int[CAP];
    private int head;
    private int count;
    private long bytes;
    private long newestUs = Long.MIN_VALUE;

    void add(long arrivalUs, int size) {
        if (count > 0 && arrivalUs < newestUs - WINDOW_US) {
            return; // far out of order: outside the window anyway
        }
        newestUs = Math.max(newestUs, arrivalUs);
        if (count == CAP) {
            drop();
        }
        int i = (head + count) % CAP;
        times[i] = arrivalUs;
        sizes[i] = size;
        count++;
        bytes += size;
        while (count > 0 && times[head] < newestUs - WINDOW_US) {
            drop();
        }
    }

    double bps() {
        if (count < 2) {
            return Double.NaN;
        }
        long span = newestUs - times[head];
        if (span < MIN_SPAN_US) {
            return Double.NaN;
        }
        return bytes * 8.0 * 1_000_000 / Math.max(span, WINDOW_US / 2);
    }

    private void drop() {
        bytes -= sizes[head];
        head = (head + 1) % CAP;
        count--;
    }
}
