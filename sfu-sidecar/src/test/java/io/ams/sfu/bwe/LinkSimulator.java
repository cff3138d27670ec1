package io.ams.sfu.bwe;

import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.ext.TransportSequenceNumber;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.relay.TwccFeedback;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A deterministic closed loop for the estimator: a sender paced at the estimate (plus padding while a
 * probe is active) through the real stamper, a bottleneck (FIFO queue with a rate, a one-way delay, random
 * loss and a queue limit) producing arrival times, our own transport-cc writer ({@link TwccFeedback}) at
 * the receiver every 100 ms, and the real parser on the way back. Time advances in 1 ms steps; the
 * receiver's clock is offset from ours as a real one would be.
 */
final class LinkSimulator {
    static final int PACKET = 1200;
    static final int EXT_ID = 3;
    private static final long MS = 1_000_000L;
    private static final long RECEIVER_CLOCK_OFFSET = 123_456_789_000L;

    record InFlight(int seq, long arrivalNanos) {
    }

    record Feedback(byte[] bytes, long arrivalNanos) {
    }

    final DownlinkBwe bwe = new DownlinkBwe("sim");
    private final TwccFeedback receiver = new TwccFeedback(1, 2, 100 * MS);
    private final ArrayDeque<InFlight> link = new ArrayDeque<>();
    private final ArrayDeque<Feedback> back = new ArrayDeque<>();
    private final SplittableRandom random;
    private final byte[] plain = new byte[PACKET];
    private final byte[] stamped = new byte[PACKET + 64];
    private final HeaderExtensions ext = new HeaderExtensions();
    /** Edits each feedback datagram before it is parsed (replay, garbage, ...); returns the datagrams to deliver. */
    private UnaryOperator<List<byte[]>> feedbackFilter = l -> l;
    private DownlinkAllocator.Request wish;

    long rateBps;
    long delayMs;
    double loss;
    long queueLimitMs = 400;
    long now = 1_000 * MS;
    private long linkFreeAt;
    private double budgetBits;
    private int rtpSeq;
    long sentPackets;
    long lostPackets;
    long parseFailures;

    LinkSimulator(long rateBps, long delayMs, double loss, long seed) {
        this.rateBps = rateBps;
        this.delayMs = delayMs;
        this.loss = loss;
        this.random = new SplittableRandom(seed);
        bwe.enableTransportCc(EXT_ID);
        plain[0] = (byte) 0x80;
        plain[1] = 96;
    }

    /** Lets the allocator run every 100 ms with this request (and so the probe controller). */
    LinkSimulator wanting(DownlinkAllocator.Request r) {
        this.wish = r;
        bwe.setProbing(true);
        return this;
    }

    LinkSimulator filter(UnaryOperator<List<byte[]>> f) {
        this.feedbackFilter = f;
        return this;
    }

    long estimate() {
        long e = bwe.estimateBps(now);
        return e == 0 ? DownlinkBwe.START_BPS : e;
    }

    /** Runs for {@code ms} simulated milliseconds. */
    void run(long ms) {
        for (long i = 0; i < ms; i++) {
            step();
        }
    }

    private void step() {
        now += MS;
        long msTotal = now / MS;
        ProbeController.Probe probe = bwe.activeProbe();
        long rate = probe != null ? Math.max(probe.bitrateBps(), estimate()) : estimate();
        budgetBits = Math.min(budgetBits + rate / 1000.0, 4 * PACKET * 8);
        if (probe != null) {
            bwe.beginProbePackets(probe.clusterId());
        }
        while (budgetBits >= PACKET * 8) {
            budgetBits -= PACKET * 8;
            send();
        }
        if (probe != null) {
            bwe.endProbePackets();
        }
        while (!link.isEmpty() && link.peek().arrivalNanos() <= now) {
            InFlight p = link.poll();
            receiver.onPacket(p.seq(), p.arrivalNanos() + RECEIVER_CLOCK_OFFSET);
        }
        if (msTotal % 100 == 0) {
            List<byte[]> fbs = feedbackFilter.apply(receiver.poll(now + RECEIVER_CLOCK_OFFSET));
            for (byte[] fb : fbs) {
                back.add(new Feedback(fb, now + delayMs * MS));
            }
            if (wish != null) {
                bwe.allocate(wish, now);
            }
        }
        while (!back.isEmpty() && back.peek().arrivalNanos() <= now) {
            byte[] fb = back.poll().bytes();
            List<RtcpPacket> parsed;
            try {
                parsed = RtcpParser.parse(fb, 0, fb.length);
            } catch (Exception e) {
                parseFailures++; // what the room does too: counted, never reaches the estimator
                continue;
            }
            for (RtcpPacket p : parsed) {
                if (p instanceof RtcpPacket.TransportCc t) {
                    bwe.onTransportFeedback(t, now);
                }
            }
        }
    }

    private void send() {
        rtpSeq++;
        plain[2] = (byte) (rtpSeq >>> 8);
        plain[3] = (byte) rtpSeq;
        int n = bwe.sendHook().rewrite(plain, 0, plain.length, stamped, now);
        int seq;
        try {
            if (n < 0 || !ext.wrap(stamped, 0, n) || (seq = TransportSequenceNumber.read(ext, EXT_ID)) < 0) {
                throw new AssertionError("packet not stamped");
            }
        } catch (io.ams.rtp.RtpFormatException e) {
            throw new AssertionError(e);
        }
        sentPackets++;
        long start = Math.max(now, linkFreeAt);
        if (start - now > queueLimitMs * MS || random.nextDouble() < loss) {
            lostPackets++;
            return;
        }
        linkFreeAt = start + (long) (n * 8 * 1e9 / rateBps);
        link.add(new InFlight(seq, linkFreeAt + delayMs * MS));
    }

    static List<byte[]> copyOf(List<byte[]> l) {
        return new ArrayList<>(l);
    }
}
