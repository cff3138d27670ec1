package io.ams.engine.audio;

import java.util.Map;
import java.util.TreeMap;

/**
 * One participant's adaptive audio jitter buffer: packets go in as they arrive (the ingress's
 * event loop, {@link #push}), and the room's audio clock takes one 20 ms frame out every 20 ms
 * ({@link #pull}). What a pull gives, in order of preference:
 * <ol>
 * <li>{@link Kind#PACKET}: the packet due now;</li>
 * <li>{@link Kind#FEC}: it is missing but the next one is here: decode the lost frame from the next
 * packet's in-band FEC;</li>
 * <li>{@link Kind#CONCEAL}: missing, for up to {@value #CONCEAL_FRAMES} frames in a row: Opus PLC
 * (which fades a longer loss out by itself);</li>
 * <li>{@link Kind#SILENCE}: nothing to play (not started, DTX, muted, gone).</li>
 * </ol>
 *
 * <p>Delay: the buffer starts playing once it holds its target delay, and the target follows the
 * measured interarrival jitter (RFC 3550): {@code 20 ms + 3 x jitter}, rounded up to whole frames,
 * {@value #MIN_DELAY_MS}..{@value #MAX_DELAY_MS} ms; a packet that arrives after its frame was played
 * raises it by a frame at once, and it comes down by a frame per {@value #RELAX_SECONDS} s without
 * late packets. When the buffer holds more than its target plus {@value #EXCESS_MS} ms (a burst, or
 * a sender whose clock runs fast), one frame is dropped per pull until it is back.
 *
 * <p>Timestamps: extended over 32-bit wrap-around. A jump of more than {@value #RESYNC_MS} ms either
 * way (a sender that restarted or was muted a long time) starts the buffer again at the new packet.
 * Synchronized: one producer and one consumer thread.
 */
public final class JitterBuffer {
    public static final int MIN_DELAY_MS = 40;
    public static final int MAX_DELAY_MS = 200;
    static final int FRAME_MS = 20;
    static final int FRAME_TS = 960;
    static final int CAPACITY = 64;             // 1.28 s of 20 ms packets
    static final int CONCEAL_FRAMES = 5;        // then silence: the sender went quiet (DTX) or away
    static final int EXCESS_MS = 80;
    static final int RESYNC_MS = 2000;
    static final int RELAX_SECONDS = 5;

    /** What one 20 ms frame of playout is made of. */
    public enum Kind { PACKET, FEC, CONCEAL, SILENCE }

    /**
     * One frame of playout: {@code payload} is the packet for {@link Kind#PACKET}, the next packet for
     * {@link Kind#FEC}, null otherwise; {@code level} its RFC 6464 level (0..127 -dBov, -1: none);
     * {@code arrivalNanos} when that packet arrived.
     */
    public record Playout(Kind kind, byte[] payload, int level, long arrivalNanos) {
        static final Playout SILENT = new Playout(Kind.SILENCE, null, -1, 0);
        static final Playout CONCEALED = new Playout(Kind.CONCEAL, null, -1, 0);
    }

    /** Why {@link #push} did not keep a packet (null: kept). */
    public enum Refusal { LATE, DUPLICATE, FULL, MALFORMED }

    private record Entry(byte[] payload, int samples, int level, long arrivalNanos) {
    }

    private final TreeMap<Long, Entry> packets = new TreeMap<>();
    private long lastTs32 = -1;          // last pushed RTP timestamp (32-bit)
    private long lastExt;                // ... extended
    private boolean started;
    private long playTs;                 // extended timestamp of the next frame to play
    private long firstArrivalNanos;      // of the packets waiting before the start
    private int missing;                 // frames pulled in a row without their packet
    private double jitterTs;             // RFC 3550 interarrival jitter, in timestamp units
    private long lastTransit = Long.MIN_VALUE;
    private int lateBoostMs;             // extra delay after late packets
    private long lastLateNanos;
    private final Stats stats = new Stats();

    /** Counters (read under the buffer's lock through {@link #stats()}). */
    public static final class Stats {
        public long packets;
        public long late;
        public long duplicates;
        public long full;
        public long malformed;
        public long framesPacket;
        public long framesFec;
        public long framesConcealed;
        public long framesSilent;
        public long droppedLatency;
        public long resyncs;
        public int targetDelayMs = MIN_DELAY_MS;
        public double jitterMs;

        Stats copy() {
            Stats s = new Stats();
            s.packets = packets;
            s.late = late;
            s.duplicates = duplicates;
            s.full = full;
            s.malformed = malformed;
            s.framesPacket = framesPacket;
            s.framesFec = framesFec;
            s.framesConcealed = framesConcealed;
            s.framesSilent = framesSilent;
            s.droppedLatency = droppedLatency;
            s.resyncs = resyncs;
            s.targetDelayMs = targetDelayMs;
            s.jitterMs = jitterMs;
            return s;
        }
    }

    /** Keeps one packet with RTP timestamp {@code ts32}; returns why not, or null. */
    public synchronized Refusal push(long ts32, byte[] payload, int level, long arrivalNanos) {
        int samples = OpusPackets.samples(payload);
        if (samples <= 0) {
            stats.malformed++;
            return Refusal.MALFORMED;
        }
        long ext = extend(ts32 & 0xffffffffL);
        updateJitter(ext, arrivalNanos);
        if (started && Math.abs(ext - playTs) > (long) RESYNC_MS * 48) {
            packets.clear();
            started = false;
            stats.resyncs++;
        }
        if (started && ext < playTs) {
            stats.late++;
            lateBoostMs = Math.min(MAX_DELAY_MS, lateBoostMs + FRAME_MS);
            lastLateNanos = arrivalNanos;
            return Refusal.LATE;
        }
        if (packets.containsKey(ext)) {
            stats.duplicates++;
            return Refusal.DUPLICATE;
        }
        if (packets.size() >= CAPACITY) {
            stats.full++;
            return Refusal.FULL;
        }
        if (packets.isEmpty() && !started) {
            firstArrivalNanos = arrivalNanos;
        }
        packets.put(ext, new Entry(payload, samples, level, arrivalNanos));
        stats.packets++;
        return null;
    }

    /** The next 20 ms frame of playout (the audio clock calls this every 20 ms). */
    public synchronized Playout pull(long nowNanos) {
        relax(nowNanos);
        int target = targetDelayMs();
        stats.targetDelayMs = target;
        if (!started) {
            if (packets.isEmpty()) {
                stats.framesSilent++;
                return Playout.SILENT;
            }
            long span = packets.lastKey() + packets.lastEntry().getValue().samples - packets.firstKey();
            if (span < (long) target * 48 && nowNanos - firstArrivalNanos < target * 1_000_000L) {
                stats.framesSilent++; // filling up to the target delay
                return Playout.SILENT;
            }
            started = true;
            playTs = packets.firstKey();
            missing = 0;
        }
        if (!packets.isEmpty() && depthTs() > (long) (target + EXCESS_MS) * 48 && packets.containsKey(playTs)) {
            // one frame per pull: a single dropped frame is not heard as a skip
            Entry dropped = packets.remove(playTs);
            playTs += dropped.samples;
            stats.droppedLatency++;
        }
        Entry e = packets.remove(playTs);
        if (e != null) {
            playTs += e.samples;
            missing = 0;
            stats.framesPacket++;
            return new Playout(Kind.PACKET, e.payload, e.level, e.arrivalNanos);
        }
        // stale entries before playTs (a longer packet skipped over them) are of no use any more
        while (!packets.isEmpty() && packets.firstKey() < playTs) {
            packets.pollFirstEntry();
        }
        playTs += FRAME_TS;
        missing++;
        Entry next = packets.get(playTs);
        if (next != null) {
            stats.framesFec++;
            return new Playout(Kind.FEC, next.payload, next.level, next.arrivalNanos);
        }
        if (missing <= CONCEAL_FRAMES) {
            stats.framesConcealed++;
            return Playout.CONCEALED;
        }
        stats.framesSilent++;
        return Playout.SILENT;
    }

    /** Buffered audio ahead of the play position, in timestamp units. */
    private long depthTs() {
        Map.Entry<Long, Entry> last = packets.lastEntry();
        return last.getKey() + last.getValue().samples - playTs;
    }

    private int targetDelayMs() {
        double jitterMs = jitterTs / 48.0;
        int fromJitter = (int) Math.ceil((FRAME_MS + 3 * jitterMs) / FRAME_MS) * FRAME_MS;
        int t = Math.max(fromJitter, MIN_DELAY_MS + lateBoostMs);
        return Math.max(MIN_DELAY_MS, Math.min(MAX_DELAY_MS, t));
    }

    private void relax(long nowNanos) {
        if (lateBoostMs > 0 && nowNanos - lastLateNanos > RELAX_SECONDS * 1_000_000_000L) {
            lateBoostMs -= FRAME_MS;
            lastLateNanos = nowNanos;
        }
    }

    private long extend(long ts32) {
        if (lastTs32 < 0) {
            lastTs32 = ts32;
            lastExt = ts32;
            return ts32;
        }
        long ext = lastExt + (int) (ts32 - lastTs32); // signed 32-bit difference
        if (ext > lastExt) {
            lastExt = ext;
            lastTs32 = ts32;
        }
        return ext;
    }

    private void updateJitter(long ext, long arrivalNanos) {
        long transit = arrivalNanos / 1_000_000L * 48 - ext; // arrival in timestamp units (48 per ms)
        if (lastTransit != Long.MIN_VALUE) {
            long d = Math.abs(transit - lastTransit);
            if (d < 48_000) { // a jump of a second or more is a DTX pause or a resync, not jitter
                jitterTs += (d - jitterTs) / 16.0;
            }
        }
        lastTransit = transit;
        stats.jitterMs = jitterTs / 48.0;
    }

    public synchronized Stats stats() {
        return stats.copy();
    }

    /** Packets waiting now. */
    public synchronized int size() {
        return packets.size();
    }

    /** Forgets everything (a new SSRC). */
    public synchronized void reset() {
        packets.clear();
        started = false;
        lastTs32 = -1;
        lastTransit = Long.MIN_VALUE;
        missing = 0;
    }
}
