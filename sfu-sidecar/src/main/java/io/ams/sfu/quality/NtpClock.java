package io.ams.sfu.quality;

/**
 * Wall-clock NTP time for RTCP sender reports, taken from {@link System#nanoTime()} anchored to
 * the wall clock once, so round-trip times computed from LSR/DLSR (RFC 3550 6.4.1) do not jump
 * when the system clock is adjusted. Immutable.
 */
public final class NtpClock {
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    private final long anchorNanos;
    private final long anchorUnixMillis;

    public NtpClock(long anchorNanos, long anchorUnixMillis) {
        this.anchorNanos = anchorNanos;
        this.anchorUnixMillis = anchorUnixMillis;
    }

    public static NtpClock system() {
        return new NtpClock(System.nanoTime(), System.currentTimeMillis());
    }

    /** The 64-bit NTP timestamp (32.32 fixed point seconds since 1900) at {@code nanos}. */
    public long ntp(long nanos) {
        long unixNanos = anchorUnixMillis * 1_000_000L + (nanos - anchorNanos);
        long seconds = Math.floorDiv(unixNanos, 1_000_000_000L);
        long frac = Math.floorMod(unixNanos, 1_000_000_000L);
        return ((seconds + NTP_UNIX_OFFSET_SECONDS) << 32) | ((frac << 32) / 1_000_000_000L);
    }

    /** A 64-bit NTP timestamp as Unix milliseconds (fractions kept). */
    public static double unixMillis(long ntp) {
        long seconds = (ntp >>> 32) - NTP_UNIX_OFFSET_SECONDS;
        return seconds * 1000.0 + (ntp & 0xFFFFFFFFL) * 1000.0 / 4294967296.0;
    }

    /** The middle 32 bits of {@link #ntp}: what a receiver echoes as LSR, in 1/65536 s. */
    public long compact(long nanos) {
        return (ntp(nanos) >>> 16) & 0xFFFFFFFFL;
    }

    /**
     * RTT in milliseconds from a report block received at {@code nowNanos} (RFC 3550 6.4.1:
     * arrival - LSR - DLSR, all in 1/65536 s); NaN if LSR is 0 (no SR received yet). A slightly
     * negative result (clock rounding on a short path) counts as 0.
     */
    public double rttMs(long nowNanos, long lsr, long dlsr) {
        if (lsr == 0) {
            return Double.NaN;
        }
        int units = (int) (compact(nowNanos) - lsr - dlsr);
        return Math.max(0, units) * 1000.0 / 65536.0;
    }
}
