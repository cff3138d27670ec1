package io.ams.sfu.layers;

import io.ams.sfu.relay.NackTracker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One encoding of a participant's camera as the sidecar receives it: a simulcast layer with its rid,
 * or the single stream of a sender without simulcast ({@code rid} null). The SSRC is learnt from the
 * first packets (rid header extension) and may change mid-call (a sender restarting its encoder).
 *
 * <p>Threads: written by the sender's receive thread, read by the room's timer and by other peers'
 * threads; fields are volatile or atomic. The loss tracker is guarded by itself.
 */
public final class CameraLayer {
    /** A layer that sent nothing for this long is treated as switched off (the sender paused it). */
    public static final long LIVE_NANOS = 700_000_000L;

    private final String rid;
    private final int index;
    private volatile long ssrc;
    private volatile long rtxSsrc;
    private volatile long lastPacketNanos = Long.MIN_VALUE;
    private volatile int width;
    private volatile int height;
    private volatile NackTracker loss = NackTracker.standard();
    private volatile long bitrateBps;
    private volatile long lastPliNanos = Long.MIN_VALUE;
    private long rateBytes;          // receive thread
    private long rateWindowStart;    // receive thread
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong keyframes = new AtomicLong();
    private final AtomicLong ssrcChanges = new AtomicLong();
    private final AtomicLong recoveredEarlier = new AtomicLong(); // repaired on an earlier SSRC of this layer
    private final AtomicLong lostEarlier = new AtomicLong();

    CameraLayer(String rid, int index) {
        this.rid = rid;
        this.index = index;
    }

    /** The rid, or null for a single-stream sender. */
    public String rid() {
        return rid;
    }

    /** 0 = the smallest layer. */
    public int index() {
        return index;
    }

    /** The media SSRC, 0 until the first packet. */
    public long ssrc() {
        return ssrc;
    }

    public long rtxSsrc() {
        return rtxSsrc;
    }

    /** Decoded size of the last keyframe (0 if none seen yet). */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Received bitrate over the last second (updated as packets arrive). */
    public long bitrateBps() {
        return bitrateBps;
    }

    /**
     * What relaying this layer costs a receiver, bps: the measured bitrate, or, in the first second after
     * the layer (re)started, before it is measured, what a layer of its size is expected to need
     * ({@link SenderConstraints#bitrateFor}); a speaker's large layer is then chosen at once instead of after
     * a second of looking cheaper than the small one.
     */
    public long costBps() {
        long measured = bitrateBps;
        return measured > 0 ? measured : SenderConstraints.bitrateFor(height > 0 ? height : 180 << index);
    }

    public boolean live(long nowNanos) {
        long last = lastPacketNanos;
        return ssrc != 0 && last != Long.MIN_VALUE && nowNanos - last < LIVE_NANOS;
    }

    /** Whether a keyframe request (PLI) may go to this layer now, at most one per {@code minIntervalNanos}; records it. */
    public boolean pliDue(long nowNanos, long minIntervalNanos) {
        long last = lastPliNanos;
        if (last != Long.MIN_VALUE && nowNanos - last < minIntervalNanos) {
            return false;
        }
        lastPliNanos = nowNanos;
        return true;
    }

    public NackTracker loss() {
        return loss;
    }

    public long packets() {
        return packets.get();
    }

    public long keyframes() {
        return keyframes.get();
    }

    public long ssrcChanges() {
        return ssrcChanges.get();
    }

    /** Camera packets of this layer repaired by retransmission, over every SSRC it had. */
    public long recovered() {
        NackTracker l = loss;
        synchronized (l) {
            return recoveredEarlier.get() + l.recovered();
        }
    }

    /** Camera packets of this layer never repaired, over every SSRC it had. */
    public long lost() {
        NackTracker l = loss;
        synchronized (l) {
            return lostEarlier.get() + l.givenUp();
        }
    }

    /** Binds the layer to {@code newSsrc}; a different SSRC than before starts a fresh loss tracker. */
    synchronized void bind(long newSsrc) {
        if (newSsrc == ssrc) {
            return;
        }
        if (ssrc != 0) {
            ssrcChanges.incrementAndGet();
            NackTracker old = loss;
            synchronized (old) {
                recoveredEarlier.addAndGet(old.recovered());
                lostEarlier.addAndGet(old.givenUp() + old.missingCount());
            }
            loss = NackTracker.standard();
        }
        ssrc = newSsrc;
    }

    void bindRtx(long newRtxSsrc) {
        rtxSsrc = newRtxSsrc;
    }

    /** A media packet of {@code size} bytes arrived (receive thread). */
    public void onPacket(int size, long nowNanos) {
        long before = lastPacketNanos;
        lastPacketNanos = nowNanos;
        packets.incrementAndGet();
        bytes.addAndGet(size);
        if (before != Long.MIN_VALUE && nowNanos - before >= LIVE_NANOS) {
            bitrateBps = 0; // the layer was off: what it cost before is not what it costs now (see costBps)
            rateWindowStart = 0;
        }
        if (rateWindowStart == 0 || nowNanos - rateWindowStart > 2_000_000_000L) {
            rateWindowStart = nowNanos;
            rateBytes = 0;
        }
        rateBytes += size;
        long span = nowNanos - rateWindowStart;
        if (span >= 1_000_000_000L) {
            bitrateBps = rateBytes * 8L * 1_000_000_000L / span;
            rateWindowStart = nowNanos;
            rateBytes = 0;
        }
    }

    public void onKeyframe(int w, int h) {
        keyframes.incrementAndGet();
        if (w > 0 && h > 0) {
            width = w;
            height = h;
        }
    }

    @Override
    public String toString() {
        return (rid == null ? "single" : rid) + "/" + Long.toUnsignedString(ssrc) + (height > 0 ? " " + width + "x" + height : "");
    }
}
