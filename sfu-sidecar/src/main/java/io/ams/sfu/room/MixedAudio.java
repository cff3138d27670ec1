package io.ams.sfu.room;

import io.ams.rtp.RtpPacket;
import io.ams.sfu.relay.StreamRewriter;
import io.ams.sfu.sdp.OfferBuilder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One receiver's mixed-audio slot (docs/DESIGN.md "Audio delivery"): a send-only audio m-section of its own
 * (mid {@value #MID}, own SSRC and msid) that carries the engine's mix for this receiver (its mix-minus while
 * it is among the loudest, the shared mix otherwise). Added by one renegotiation when the room first goes over
 * the audio mix threshold and kept from then on, next to the forwarded audio slots.
 *
 * <p>The room decides (on its lane) whether the receiver is on mixed audio ({@link #deliver}); the mix thread
 * rewrites the engine's packets into the slot ({@link #onEnginePacket}), continuous in SSRC, sequence numbers
 * and timestamps across engine restarts (a new engine SSRC) and across pauses; the receive threads of the
 * other participants skip forwarding to this receiver while {@link #replacesForwarded} holds.
 */
final class MixedAudio {
    static final String MID = "ma";
    /** Engine audio older than this is not flowing: the receiver goes (or stays) on forwarded audio. */
    static final long FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Of the 50 packets a second of 20 ms frames brings, at least this many must have arrived in the last second
     * for the mix to be worth switching to (an engine short of CPU skips frames: choppy mixed audio is worse than
     * forwarded audio).
     */
    static final int STEADY_PACKETS = 40;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** After the engine's audio stalled or got choppy, this long without trouble before mixed audio again (no flapping). */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(3);

    final long ssrc;
    private final StreamRewriter rewriter;
    /** The position of its m-section among the forwarded audio slots (m-sections never move). */
    final int position;
    long offeredIn;                       // room lock
    volatile boolean negotiated;
    private volatile boolean delivering;
    private volatile long lastEngineNanos;
    private volatile boolean heardEngine;
    private final java.util.concurrent.atomic.AtomicLongArray arrivals = new java.util.concurrent.atomic.AtomicLongArray(64);
    private int nextArrival;                           // mix thread only
    private boolean troubled;                          // room lock: the engine's audio failed this receiver once
    private long troubleNanos;                         // room lock: when it last did
    final AtomicLong sent = new AtomicLong();
    final AtomicLong notDelivered = new AtomicLong();   // engine packets that arrived while on forwarded audio

    MixedAudio(long ssrc, int position) {
        this.ssrc = ssrc;
        this.position = position;
        this.rewriter = StreamRewriter.audio(ssrc, OfferBuilder.OPUS_PT);
    }

    /** Engine audio for this receiver arrived within {@link #FRESH_NANOS}. */
    boolean fresh(long nowNanos) {
        return heardEngine && nowNanos - lastEngineNanos < FRESH_NANOS;
    }

    /** The engine's audio for this receiver arrived steadily over the last second (see {@link #STEADY_PACKETS}). */
    boolean steady(long nowNanos) {
        int n = 0;
        for (int i = 0; i < arrivals.length(); i++) {
            long at = arrivals.get(i);
            if (at != 0 && nowNanos - at < SECOND) {
                n++;
            }
        }
        return n >= STEADY_PACKETS;
    }

    /** Room lane: the engine's audio is not flowing for this receiver now (stale or choppy). */
    void trouble(long nowNanos) {
        troubled = true;
        troubleNanos = nowNanos;
    }

    /** Room lane: the engine's audio failed this receiver less than {@link #RETRY_NANOS} ago. */
    boolean heldBack(long nowNanos) {
        return troubled && nowNanos - troubleNanos < RETRY_NANOS;
    }

    /** On mixed audio now: forwarded audio is not sent to this receiver (while the engine's keeps arriving). */
    boolean replacesForwarded(long nowNanos) {
        return delivering && fresh(nowNanos);
    }

    boolean delivering() {
        return delivering;
    }

    /** Room lane: switch this receiver to mixed audio or back. Back ends the rewriter's episode, so the next
     * switch to mixed starts a new one right after the last packet sent (no sequence jump). */
    void deliver(boolean on) {
        if (!on && delivering) {
            rewriter.stop();
        }
        delivering = on;
    }

    /**
     * Mix thread: a packet of this receiver's mix from the engine. Returns the length of the rewritten
     * packet in {@code out} to send, or -1 (not on mixed audio now; the arrival still counts as fresh).
     */
    int onEnginePacket(RtpPacket pkt, long nowNanos, byte[] out) {
        lastEngineNanos = nowNanos;
        heardEngine = true;
        arrivals.set(nextArrival, nowNanos);
        nextArrival = (nextArrival + 1) % arrivals.length();
        if (!delivering) {
            notDelivered.incrementAndGet();
            return -1;
        }
        synchronized (rewriter) {
            if (rewriter.currentSource() != pkt.ssrc()) {
                rewriter.switchTo(pkt.ssrc(), nowNanos); // first packet, or a re-created engine room: a new episode
            }
            return rewriter.rewrite(pkt, nowNanos, out, 0);
        }
    }

    /** Milliseconds since the engine's last packet for this receiver, -1 if none came yet. */
    long engineAgeMillis(long nowNanos) {
        return heardEngine ? TimeUnit.NANOSECONDS.toMillis(nowNanos - lastEngineNanos) : -1;
    }
}
