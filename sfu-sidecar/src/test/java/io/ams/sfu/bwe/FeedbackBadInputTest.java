package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Transport-cc feedback that is garbage, truncated, reordered or replayed is counted and never poisons
 * the estimate: the same closed loop with and without the bad feedback ends at the same estimate.
 */
class FeedbackBadInputTest {
    private static final long KBPS = 1000;

    private static LinkSimulator run(java.util.function.UnaryOperator<List<byte[]>> filter) {
        LinkSimulator sim = new LinkSimulator(1500 * KBPS, 30, 0, 7).filter(filter);
        sim.run(20_000);
        return sim;
    }

    @Test
    void replayedFeedbackIsNotCountedTwice() {
        LinkSimulator clean = run(l -> l);
        LinkSimulator replayed = run(l -> {
            List<byte[]> out = new ArrayList<>(l);
            out.addAll(l); // every feedback arrives twice
            return out;
        });
        BweStats s = replayed.bwe.stats(replayed.now);
        assertThat(s.feedbackReplayed()).isGreaterThan(100);
        assertThat(replayed.estimate()).isEqualTo(clean.estimate());
        assertThat(s.ackedBps()).isEqualTo(clean.bwe.stats(clean.now).ackedBps());
    }

    @Test
    void garbageAndTruncatedFeedbackAreCountedAndChangeNothing() {
        LinkSimulator clean = run(l -> l);
        SplittableRandom r = new SplittableRandom(11);
        LinkSimulator dirty = run(l -> {
            List<byte[]> out = new ArrayList<>();
            for (byte[] fb : l) {
                out.add(Arrays.copyOf(fb, Math.max(4, fb.length - 1 - r.nextInt(8)))); // truncated: parser refuses
                byte[] noise = new byte[24 + r.nextInt(40)];
                r.nextBytes(noise);
                out.add(noise); // random bytes: parser refuses
                // well-formed feedback about numbers we never sent
                out.add(RtcpWriter.transportCc(1, 2, r.nextInt(0x10000), r.nextInt(1 << 20), 0,
                        new int[] {4, 4, RtcpWriter.NOT_RECEIVED, 9}, 4));
                out.add(fb);
            }
            return out;
        });
        BweStats s = dirty.bwe.stats(dirty.now);
        System.out.printf("dirty feedback: %d refused, %d parse failures; estimate %d kbps (clean %d)%n",
                s.feedbackRefused(), dirty.parseFailures, dirty.estimate() / KBPS, clean.estimate() / KBPS);
        assertThat(dirty.parseFailures).isGreaterThan(300);
        assertThat(s.feedbackRefused()).isGreaterThan(150);
        assertThat(dirty.estimate()).isEqualTo(clean.estimate());
    }

    @Test
    void reorderedFeedbackIsCountedAndTheEstimateStaysSane() {
        List<byte[]> held = new ArrayList<>();
        int[] n = {0};
        LinkSimulator sim = run(l -> {
            if (l.isEmpty()) {
                return l;
            }
            if (n[0]++ % 5 == 0) { // hold one back and deliver it after the next
                held.addAll(l);
                return List.of();
            }
            List<byte[]> out = new ArrayList<>(l);
            out.addAll(held);
            held.clear();
            return out;
        });
        BweStats s = sim.bwe.stats(sim.now);
        assertThat(s.feedbackReordered()).isGreaterThan(20);
        assertThat(sim.estimate()).isBetween(1500 * KBPS / 2, 1500 * KBPS * 12 / 10);
    }

    @Test
    void feedbackWithWildArrivalTimesIsRefusedOrAbsorbed() {
        DownlinkBwe bwe = new DownlinkBwe("t");
        bwe.enableTransportCc(3);
        byte[] pkt = new byte[100];
        pkt[0] = (byte) 0x80;
        byte[] out = new byte[200];
        for (int i = 0; i < 10; i++) {
            bwe.sendHook().rewrite(pkt, 0, pkt.length, out, i * 1_000_000L);
        }
        // 10 packets, each 8 s after the previous: 72 s of arrivals in one feedback
        int[] deltas = new int[10];
        Arrays.fill(deltas, 32000);
        RtcpPacket.TransportCc fb = (RtcpPacket.TransportCc) parse(RtcpWriter.transportCc(1, 2, 1, 5, 0, deltas, 10));
        bwe.onTransportFeedback(fb, 50_000_000L);
        assertThat(bwe.stats(50_000_000L).feedbackRefused()).isEqualTo(1);
        // feedback about numbers ahead of what we sent
        fb = (RtcpPacket.TransportCc) parse(RtcpWriter.transportCc(1, 2, 5, 5, 1, new int[] {1, 1, 1, 1, 1, 1, 1, 1}, 8));
        bwe.onTransportFeedback(fb, 60_000_000L);
        assertThat(bwe.stats(60_000_000L).feedbackRefused()).isEqualTo(2);
        assertThat(bwe.estimateBps(60_000_000L)).as("nothing learnt from refused feedback").isZero();
    }

    private static RtcpPacket parse(byte[] b) {
        try {
            return io.ams.rtp.rtcp.RtcpParser.parse(b, 0, b.length).get(0);
        } catch (io.ams.rtp.RtpFormatException e) {
            throw new AssertionError(e);
        }
    }
}
