package io.ams.rtp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A small per-SSRC reorder buffer: takes packets in arrival order and hands them to a consumer in
 * sequence-number order, never out of order.
 *
 * <ul>
 *   <li>Sequence numbers are extended past 16 bits, so 65535 -> 0 is just the next packet.</li>
 *   <li>A packet that fills the gap at the head releases every held packet behind it.</li>
 *   <li>Duplicates and packets older than the last one handed out are dropped and counted
 *       ({@link #duplicates()}, {@link #late()}).</li>
 *   <li>When a packet would not fit in the window of {@code capacity} sequence numbers, or the
 *       oldest held packet has waited {@code maxWaitNanos}, the missing packets are given up on
 *       (counted in {@link #lost()}) and the held ones are handed out. The consumer sees the gap
 *       in the sequence numbers.</li>
 *   <li>The first packets of a stream are held up to {@code maxWaitNanos} (or until the window
 *       is full), so that a stream whose first packets arrive out of order starts at its lowest
 *       sequence number rather than counting those as late.</li>
 *   <li>A jump of more than {@value #RESET_JUMP} sequence numbers either way, or a new SSRC,
 *       means the sender restarted: held packets are handed out and the stream starts over at
 *       the new packet ({@link #resets()}).</li>
 * </ul>
 *
 * <p>The wait can change while packets flow ({@link #setMaxWaitNanos}): the ingress follows the
 * uplink's round-trip time so that a NACKed packet still lands in order ({@link RepairWait}).
 * Packets that arrived out of order and were put back in place are counted in {@link #reordered()}.
 *
 * <p>Time is the packets' {@link RtpPacket#receivedNanos()} and the {@code nowNanos} given to
 * {@link #flushExpired}; both must come from {@link System#nanoTime()}. Not thread-safe: one
 * ingest thread owns it. Packets held here are owned by the buffer until handed to the consumer.
 */
public final class ReorderBuffer {
    /** A sequence jump larger than this (ahead or behind) is taken as a sender restart. */
    public static final int RESET_JUMP = 3000;

    private final int capacity;
    private long maxWaitNanos;
    private final RtpPacket[] held;
    private final long[] heldExt;
    private final long[] emittedExt;

    private boolean started;
    /** Nothing handed out yet: the first packets are held so that earlier ones arriving late can go first. */
    private boolean starting;
    private long highestHeldExt;
    private long ssrc;
    private long nextExt;
    private int heldCount;
    private long oldestHeldNanos;

    private long lost;
    private long duplicates;
    private long late;
    private long resets;
    private long reordered;

    /**
     * @param capacity     window size in packets (e.g. 64); at least 2
     * @param maxWaitNanos how long a gap at the head may hold packets back (e.g. 50 ms)
     */
    public ReorderBuffer(int capacity, long maxWaitNanos) {
        if (capacity < 2) {
            throw new IllegalArgumentException("capacity " + capacity + " < 2");
        }
        if (maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxWaitNanos " + maxWaitNanos + " < 0");
        }
        this.capacity = capacity;
        this.maxWaitNanos = maxWaitNanos;
        this.held = new RtpPacket[capacity];
        this.heldExt = new long[capacity];
        this.emittedExt = new long[capacity];
        Arrays.fill(emittedExt, Long.MIN_VALUE);
    }

    /** Takes one packet; hands zero or more packets, in sequence order, to {@code out}. */
    public void push(RtpPacket p, Consumer<RtpPacket> out) {
        if (!started) {
            start(p, out);
            return;
        }
        if (p.ssrc() != ssrc) {
            restart(p, out);
            return;
        }
        int delta = (short) (p.sequenceNumber() - (int) (nextExt & 0xFFFF));
        long ext = nextExt + delta;
        if (delta > RESET_JUMP || delta < -RESET_JUMP) {
            restart(p, out);
            return;
        }
        if (starting && delta < 0 && highestHeldExt - ext < capacity) {
            // from before the first packet that arrived: the stream starts earlier
            nextExt = ext;
            hold(p, ext);
        } else if (delta < 0) {
            if (emittedExt[slot(ext)] == ext) {
                duplicates++;
            } else {
                late++;
            }
            return;
        } else {
            int s = slot(ext);
            if (held[s] != null && heldExt[s] == ext) {
                duplicates++;
                return;
            }
            while (ext - nextExt >= capacity) {
                if (heldCount == 0) {
                    lost += ext - nextExt;
                    nextExt = ext;
                    break;
                }
                giveUpHead(out);
            }
            if (heldCount > 0 && ext < highestHeldExt && !starting) {
                reordered++; // fills (part of) a gap: a late original or a retransmission
            }
            if (ext == nextExt && !starting) {
                emit(p, ext, out);
                drain(out);
            } else {
                hold(p, ext);
            }
        }
        if (heldCount > 0 && p.receivedNanos() - oldestHeldNanos >= maxWaitNanos) {
            flushExpired(p.receivedNanos(), out);
        }
    }

    /** Gives up on a head gap whose oldest held packet has waited {@code maxWaitNanos} by {@code nowNanos}. */
    public void flushExpired(long nowNanos, Consumer<RtpPacket> out) {
        while (heldCount > 0 && nowNanos - oldestHeldNanos >= maxWaitNanos) {
            giveUpHead(out);
        }
    }

    /**
     * Changes how long a gap at the head may hold packets back; takes effect at once (packets
     * already held are measured against the new wait at the next push or flush).
     */
    public void setMaxWaitNanos(long maxWaitNanos) {
        if (maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxWaitNanos " + maxWaitNanos + " < 0");
        }
        this.maxWaitNanos = maxWaitNanos;
    }

    /** The current wait. */
    public long maxWaitNanos() {
        return maxWaitNanos;
    }

    /** Packets that arrived after later ones and were still handed out in order (repairs among them). */
    public long reordered() {
        return reordered;
    }

    /** Packets given up on (never arrived in time). */
    public long lost() {
        return lost;
    }

    /** Packets dropped because the same sequence number was already held or handed out. */
    public long duplicates() {
        return duplicates;
    }

    /** Packets dropped because they arrived after their place had been passed. */
    public long late() {
        return late;
    }

    /** Stream restarts (huge sequence jump or new SSRC). */
    public long resets() {
        return resets;
    }

    /** Number of packets currently held back. */
    public int heldCount() {
        return heldCount;
    }

    private void start(RtpPacket p, Consumer<RtpPacket> out) {
        started = true;
        starting = true;
        ssrc = p.ssrc();
        // start high so that extended numbers stay positive whatever happens
        nextExt = (1L << 32) + p.sequenceNumber();
        highestHeldExt = nextExt;
        hold(p, nextExt);
        if (maxWaitNanos == 0) {
            flushExpired(p.receivedNanos(), out);
        }
    }

    private void restart(RtpPacket p, Consumer<RtpPacket> out) {
        resets++;
        while (heldCount > 0) {
            giveUpHead(out);
        }
        Arrays.fill(emittedExt, Long.MIN_VALUE);
        start(p, out);
    }

    private void hold(RtpPacket p, long ext) {
        int s = slot(ext);
        held[s] = p;
        heldExt[s] = ext;
        highestHeldExt = heldCount == 0 ? ext : Math.max(highestHeldExt, ext);
        if (heldCount == 0 || p.receivedNanos() - oldestHeldNanos < 0) {
            oldestHeldNanos = p.receivedNanos();
        }
        heldCount++;
    }

    private void emit(RtpPacket p, long ext, Consumer<RtpPacket> out) {
        starting = false;
        emittedExt[slot(ext)] = ext;
        nextExt = ext + 1;
        out.accept(p);
    }

    /** Hands out the held packets that directly follow what was handed out. */
    private void drain(Consumer<RtpPacket> out) {
        boolean released = false;
        while (heldCount > 0) {
            int s = slot(nextExt);
            RtpPacket p = held[s];
            if (p == null || heldExt[s] != nextExt) {
                break;
            }
            held[s] = null;
            heldCount--;
            released = true;
            emit(p, nextExt, out);
        }
        if (released && heldCount > 0) {
            recomputeOldest();
        }
    }

    /** Skips the missing packets before the first held one, counting them lost, and drains. */
    private void giveUpHead(Consumer<RtpPacket> out) {
        if (heldCount == 0) {
            return;
        }
        long first = Long.MAX_VALUE;
        for (int i = 0; i < capacity; i++) {
            if (held[i] != null && heldExt[i] < first) {
                first = heldExt[i];
            }
        }
        lost += first - nextExt;
        nextExt = first;
        drain(out);
    }

    private void recomputeOldest() {
        boolean any = false;
        for (int i = 0; i < capacity; i++) {
            RtpPacket p = held[i];
            if (p != null && (!any || p.receivedNanos() - oldestHeldNanos < 0)) {
                oldestHeldNanos = p.receivedNanos();
                any = true;
            }
        }
    }

    private int slot(long ext) {
        return (int) Math.floorMod(ext, (long) capacity);
    }
}
