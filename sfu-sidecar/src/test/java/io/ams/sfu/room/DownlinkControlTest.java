package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The downlink allocator acting on one receiver: which layer of its main source its slot may take, when it
 * gets the mix only, and what it is told. The estimate comes from the receiver's REMB here (transport-cc is
 * exercised by the bwe tests and DownlinkCapIT).
 */
class DownlinkControlTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MIX_BPS = 300_000;

    private final Peer src = StagePackets.peer("src");
    private final Peer q = StagePackets.peer("q");
    private final Peer[] peers = {src, q};
    private final List<Long> estimates = new java.util.ArrayList<>();
    private final DownlinkControl control = new DownlinkControl("r", MIX_BPS, estimates::add);
    private long now = 10 * SECOND;
    private int seq;

    @BeforeEach
    void twoLiveLayers() {
        src.camera.negotiate(List.of("q", "h"), 0, 0);
        q.mainSource = "src";
    }

    /** 100 ms of the main source sending both layers at about 150 and 600 kbps, and one allocation round. */
    private void tick(long rembBps) {
        tick(rembBps, true);
    }

    /** As {@link #tick(long)}; {@code large}: whether the source sends its h layer in these 100 ms. */
    private void tick(long rembBps, boolean large) {
        now += SECOND / 10;
        src.camera.latch(0x10, "q", now);
        if (large) {
            src.camera.latch(0x20, "h", now);
        }
        for (int i = 0; i < 10; i++) {
            long t = now - SECOND / 10 + i * SECOND / 100;
            src.camera.byRid("q").onPacket(190, t);  // 10 per 100 ms: 152 kbps
            for (int k = 0; large && k < 4; k++) {
                src.camera.byRid("h").onPacket(750, t);  // 40 per 100 ms: 600 kbps
            }
        }
        byte[] mixPacket = StagePackets.rtp(96, true, q.mixSsrc, seq++, 0, 0, null, new byte[1200]);
        for (int i = 0; i < 3; i++) { // the mix flows to q: 288 kbps, about its target
            q.bwe.sendHook().rewrite(mixPacket, 0, mixPacket.length, new byte[1300], now);
        }
        q.bwe.onRemb(rembBps, now);
        control.allocate(q, peers, now, now / 1_000_000);
    }

    private List<PeerChannel.Bandwidth> told() {
        return TestPeers.channel(q).bandwidth;
    }

    @Test
    void aWideDownlinkTakesTheLargeLayerAndAThinOneTheSmall() {
        for (int i = 0; i < 30; i++) {
            tick(3_000_000);
        }
        assertThat(q.mainLayerCap).as("1 = h, the larger layer").isEqualTo(1);
        assertThat(q.mixOnly).isFalse();
        assertThat(told().get(told().size() - 1).mainLayer()).isEqualTo("h");

        for (int i = 0; i < 30; i++) {
            tick(650_000); // fits audio, the mix and q, not h
        }
        assertThat(q.mainLayerCap).isZero();
        assertThat(q.mixOnly).isFalse();
        PeerChannel.Bandwidth last = told().get(told().size() - 1);
        assertThat(last.mainLayer()).isEqualTo("q");
        assertThat(last.estimateBps()).isBetween(500_000L, 700_000L);
    }

    /**
     * A speaker change: the new main source sent its small layer only (dynamic resolution) and now turns its
     * large layer on. The receiver's wide downlink takes that layer at its first allocation after the
     * layer's first keyframe, not a second later when its bitrate has been measured (before, an unmeasured
     * layer looked cheaper than the small one and the slot kept the small one).
     */
    @Test
    void aLargeLayerThatJustStartedIsTakenAtOnceWhereItFits() {
        for (int i = 0; i < 30; i++) {
            tick(3_000_000, false);
        }
        assertThat(q.mainLayerCap).as("only q is live").isZero();
        src.camera.byRid("h").onKeyframe(640, 360);
        tick(3_000_000, true);
        assertThat(q.mainLayerCap).as("h within 100 ms of its start: " + told()).isEqualTo(1);
        assertThat(told().get(told().size() - 1).mainLayer()).isEqualTo("h");
    }

    @Test
    void aDownlinkThatCannotCarryEvenTheSmallLayerGetsTheMixOnlyAndIsTold() {
        for (int i = 0; i < 10; i++) {
            tick(3_000_000);
        }
        assertThat(q.mixOnly).isFalse();
        for (int i = 0; i < 50 && !q.mixOnly; i++) {
            tick(380_000); // the mix and audio fit, no video layer next to them
        }
        assertThat(q.mixOnly).as("mix only within 5 s: " + told()).isTrue();
        assertThat(told().get(told().size() - 1).mixOnly()).isTrue();
        assertThat(told().get(told().size() - 1).mainLayer()).isNull();
    }

    @Test
    void reportsAreSentOnChangeAtOnceElseAtMostEveryTwoSeconds() {
        for (int i = 0; i < 50; i++) {
            tick(3_000_000); // 5 s steady
        }
        assertThat(told().size()).as("the first report, then at most one per 2 s: " + told()).isBetween(1, 4);
    }

    @Test
    void aReceiverWithoutMainVideoIsAllocatedTheMixOnly() {
        q.mainSource = null;
        tick(3_000_000);
        assertThat(q.mainLayerCap).isEqualTo(Integer.MAX_VALUE);
        assertThat(told()).singleElement().satisfies(b -> assertThat(b.mainLayer()).isNull());
    }

    @Test
    void everyRoundHandsTheReceiversEstimateToTheMetrics() {
        for (int i = 0; i < 30; i++) {
            tick(3_000_000);
        }
        assertThat(estimates).as("one estimate a round, once feedback gave one").isNotEmpty().hasSizeLessThanOrEqualTo(30);
        assertThat(estimates.get(estimates.size() - 1)).isEqualTo(told().get(told().size() - 1).estimateBps());
        assertThat(estimates).allSatisfy(bps -> assertThat(bps).isPositive().isLessThan(Long.MAX_VALUE / 8));
    }
}
