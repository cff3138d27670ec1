package io.ams.engine.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import io.ams.rtp.testing.Vp8LayeredPackets;

/**
 * Plays VP8 frames as RTP in real time (30 fps) with chosen packets lost, and optionally
 * "repaired": sent again {@code repairAfterMillis} later, as a sender answering the edge's NACK
 * does. The datagrams go to a consumer (a UDP socket, an EmbeddedChannel).
 */
public final class LossyTimeline {
    private record Send(long atMillis, byte[] datagram, boolean repair) {
    }

    private final List<Send> sends = new ArrayList<>();
    private int lostPackets;
    private long firstLossMillis = -1;
    private volatile long startNanos;

    /**
     * @param lostPacket        whether the packet with this index (from 0) is lost on its first sending
     * @param repairAfterMillis delay of the retransmission after the original's time; negative: never repaired
     */
    public LossyTimeline(List<byte[]> frames, IntFunction<Vp8LayeredPackets.Layer> layers, long ssrc,
                         java.util.function.IntPredicate lostPacket, long repairAfterMillis) {
        Vp8LayeredPackets tx = new Vp8LayeredPackets(96, ssrc, 4000, 1, 1000);
        int index = 0;
        for (int i = 0; i < frames.size(); i++) {
            long t = i * 1000L / 30;
            for (byte[] d : tx.frame(frames.get(i), 3000L * i, layers.apply(i))) {
                if (lostPacket.test(index++)) {
                    lostPackets++;
                    if (firstLossMillis < 0) {
                        firstLossMillis = t;
                    }
                    if (repairAfterMillis >= 0) {
                        sends.add(new Send(t + repairAfterMillis, d, true));
                    }
                } else {
                    sends.add(new Send(t, d, false));
                }
            }
        }
        sends.sort(Comparator.comparingLong(Send::atMillis));
    }

    public int lostPackets() {
        return lostPackets;
    }

    /** When the first lost packet was due, from the start of {@link #play}; -1 if none is lost. */
    public long firstLossMillis() {
        return firstLossMillis;
    }

    /** {@link System#nanoTime()} when {@link #play} started. */
    public long startNanos() {
        return startNanos;
    }

    /** How long the timeline runs. */
    public long durationMillis() {
        return sends.isEmpty() ? 0 : sends.get(sends.size() - 1).atMillis();
    }

    /** Sends everything at its time (blocking the caller for {@link #durationMillis()}). */
    public void play(Consumer<byte[]> out) throws InterruptedException {
        long start = System.nanoTime();
        startNanos = start;
        for (Send s : sends) {
            long wait = s.atMillis() - (System.nanoTime() - start) / 1_000_000L;
            if (wait > 0) {
                Thread.sleep(wait);
            }
            out.accept(s.datagram());
        }
    }
}
