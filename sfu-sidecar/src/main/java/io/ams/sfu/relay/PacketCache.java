package io.ams.sfu.relay;

/**
 * The last packets sent on one outgoing SSRC, kept to answer NACKs (RFC 4585) with
 * retransmissions: a ring of {@code capacity} slots indexed by sequence number, each entry valid
 * for {@code maxAgeNanos}. A packet evicts whatever was in its slot. Lookups return copies.
 *
 * <p>Ownership: {@link #put} copies the packet into a slot array owned by the cache (grown on
 * demand, then reused), so the caller keeps its buffer. Thread-safe: the relay thread puts, the
 * thread reading the receiver's RTCP gets.
 */
public final class PacketCache {
    private static final int INITIAL_SLOT_BYTES = 1500;

    private final int mask;
    private final long maxAgeNanos;
    private final byte[][] data;
    private final int[] lengths;
    private final int[] seqs;
    private final long[] times;

    private long hits;
    private long misses;
    private long evictions;

    /**
     * @param capacity    number of packets kept, a power of two from 1 to 32768
     * @param maxAgeNanos how long a packet may be retransmitted after it was put
     */
    public PacketCache(int capacity, long maxAgeNanos) {
        if (capacity < 1 || capacity > 32768 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two in 1..32768");
        }
        this.mask = capacity - 1;
        this.maxAgeNanos = maxAgeNanos;
        this.data = new byte[capacity][];
        this.lengths = new int[capacity];
        this.seqs = new int[capacity];
        this.times = new long[capacity];
        java.util.Arrays.fill(seqs, -1);
    }

    /** 1024 packets for one second: a few seconds of 720p video, enough for a round trip or two. */
    public static PacketCache standard() {
        return new PacketCache(1024, 1_000_000_000L);
    }

    /**
     * Stores a copy of the RTP packet {@code pkt[off, off+len)}, keyed by its sequence number.
     * Packets shorter than an RTP header are ignored.
     */
    public synchronized void put(byte[] pkt, int off, int len, long nowNanos) {
        if (len < 12) {
            return;
        }
        int seq = ((pkt[off + 2] & 0xFF) << 8) | (pkt[off + 3] & 0xFF);
        int i = seq & mask;
        if (seqs[i] >= 0 && seqs[i] != seq) {
            evictions++;
        }
        byte[] slot = data[i];
        if (slot == null || slot.length < len) {
            slot = new byte[Math.max(len, INITIAL_SLOT_BYTES)];
            data[i] = slot;
        }
        System.arraycopy(pkt, off, slot, 0, len);
        lengths[i] = len;
        seqs[i] = seq;
        times[i] = nowNanos;
    }

    /** A copy of the packet with sequence number {@code seq} if it is cached and not too old, else null. */
    public synchronized byte[] get(int seq, long nowNanos) {
        int i = lookup(seq, nowNanos);
        return i < 0 ? null : java.util.Arrays.copyOf(data[i], lengths[i]);
    }

    /**
     * Copies the packet with sequence number {@code seq} into {@code dst[dstOff..]} without allocating.
     *
     * @return its length, or -1 if missing, too old, or {@code dst} is too small (counted as a miss)
     */
    public synchronized int copyTo(int seq, long nowNanos, byte[] dst, int dstOff) {
        int i = lookup(seq, nowNanos);
        if (i < 0) {
            return -1;
        }
        if (dst.length - dstOff < lengths[i]) {
            hits--;
            misses++;
            return -1;
        }
        System.arraycopy(data[i], 0, dst, dstOff, lengths[i]);
        return lengths[i];
    }

    private int lookup(int seq, long nowNanos) {
        int i = (seq & 0xFFFF) & mask;
        if (seqs[i] != (seq & 0xFFFF) || nowNanos - times[i] > maxAgeNanos) {
            misses++;
            return -1;
        }
        hits++;
        return i;
    }

    /** Lookups answered. */
    public synchronized long hits() {
        return hits;
    }

    /** Lookups not answered (never cached, evicted, or too old). */
    public synchronized long misses() {
        return misses;
    }

    /** Packets that overwrote an older packet in their slot. */
    public synchronized long evictions() {
        return evictions;
    }
}
