package io.ams.sfu.quality;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One participant's media clock as its own RTCP sender reports describe it (lip sync, DESIGN.md
 * section 10): for each SSRC it sends, the latest NTP/RTP pair, and one offset from its NTP clock to
 * ours. The sidecar relays a participant's audio and video unchanged in their timestamps but on its
 * own streams, so the sender reports a browser gets from us must carry the sender's own mapping:
 * {@link #rtpAt} gives the RTP timestamp of a stream at one of our instants, through that mapping.
 *
 * <p>The offset is the smallest (our arrival time - the sender's NTP time) seen over the last
 * {@value #OFFSET_WINDOW_SECONDS} s: the sender's clock plus the quickest path. Every stream of one
 * participant shares it, so whatever error it has moves audio and video alike and cancels out of
 * their offset; a stream's own path delay (video's encoder and pacer) stays out of it, which a
 * mapping taken from arrival times would not.
 *
 * <p>Thread-safe: reports arrive on the participant's receive thread, the room timer reads.
 */
public final class SenderClock {
    static final int OFFSET_WINDOW_SECONDS = 30;
    /** A mapping older than this is not trusted (the sender stopped reporting, or the stream stopped). */
    static final long STALE_NANOS = 10_000_000_000L;
    /** SSRCs remembered at most (simulcast layers, RTX, the microphone, SSRC changes). */
    static final int MAX_STREAMS = 16;

    private record Point(long senderNanos, long rtp, long arrivalNanos) {
    }

    private final Map<Long, Point> streams = new ConcurrentHashMap<>();
    private long offsetNanos;
    private long offsetSinceNanos;
    private boolean haveOffset;

    /** A sender report of the participant's stream {@code ssrc}, arrived at {@code arrivalNanos} ({@link System#nanoTime()}). */
    public void onSenderReport(long ssrc, long ntp, long rtpTimestamp, long arrivalNanos) {
        if (ntp == 0) {
            return; // RFC 3550 6.4.1: a sender without a wallclock sends zero; nothing to map
        }
        long senderNanos = ntpToNanos(ntp);
        if (streams.size() >= MAX_STREAMS && !streams.containsKey(ssrc)) {
            streams.values().removeIf(p -> arrivalNanos - p.arrivalNanos > STALE_NANOS);
            if (streams.size() >= MAX_STREAMS) {
                return;
            }
        }
        streams.put(ssrc, new Point(senderNanos, rtpTimestamp & 0xFFFFFFFFL, arrivalNanos));
        long offset = arrivalNanos - senderNanos;
        synchronized (this) {
            if (!haveOffset || offset <= offsetNanos || arrivalNanos - offsetSinceNanos > OFFSET_WINDOW_SECONDS * 1_000_000_000L) {
                offsetNanos = offset;
                offsetSinceNanos = arrivalNanos;
                haveOffset = true;
            }
        }
    }

    /**
     * The RTP timestamp stream {@code ssrc} has at our instant {@code nowNanos}, by the sender's own
     * mapping, or -1 when it has not reported on that stream within the last 10 s.
     */
    public long rtpAt(long ssrc, long nowNanos, int clockRate) {
        Point p = streams.get(ssrc);
        if (p == null || nowNanos - p.arrivalNanos > STALE_NANOS) {
            return -1;
        }
        long offset;
        synchronized (this) {
            offset = offsetNanos;
        }
        long senderNow = nowNanos - offset;
        long elapsed = senderNow - p.senderNanos;
        return (p.rtp + Math.round(elapsed * (clockRate / 1e9))) & 0xFFFFFFFFL;
    }

    /** A 64-bit NTP timestamp (32.32 seconds since 1900) in nanoseconds since 1900. */
    static long ntpToNanos(long ntp) {
        long seconds = ntp >>> 32;
        long frac = ntp & 0xFFFFFFFFL;
        return seconds * 1_000_000_000L + ((frac * 1_000_000_000L) >>> 32);
    }
}
