package io.ams.sfu.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.relay.NackTracker;
import java.util.List;
import org.junit.jupiter.api.Test;

class CameraLayersTest {
    private static final List<String> QHF = List.of("q", "h", "f");
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_000 * MS;

    private final CameraLayers cam = new CameraLayers();

    @Test
    void negotiatesOneLayerPerRidSmallestFirst() {
        assertThat(cam.negotiate(QHF, 0, 0)).isTrue();
        assertThat(cam.simulcast()).isTrue();
        assertThat(cam.rids()).containsExactly("q", "h", "f");
        CameraLayer[] all = cam.all();
        assertThat(all).extracting(CameraLayer::rid).containsExactly("q", "h", "f");
        assertThat(all).extracting(CameraLayer::index).containsExactly(0, 1, 2);
        assertThat(all).allMatch(l -> l.ssrc() == 0);
        assertThat(cam.any()).isFalse();
    }

    @Test
    void latchesSsrcsByRid() {
        cam.negotiate(QHF, 0, 0);
        CameraLayer h = cam.latch(200, "h", T0);
        assertThat(h).isSameAs(cam.byRid("h"));
        assertThat(h.ssrc()).isEqualTo(200);
        assertThat(cam.latch(100, "q", T0)).isSameAs(cam.byRid("q"));
        assertThat(cam.bySsrc(100)).isSameAs(cam.byRid("q"));
        assertThat(cam.byRid("f").ssrc()).isZero();
        assertThat(cam.any()).isTrue();
        // later packets of a latched SSRC need no rid (Chrome stops sending it)
        assertThat(cam.latch(200, null, T0)).isSameAs(h);
        assertThat(h.ssrcChanges()).isZero();
    }

    @Test
    void newSsrcForARidRebindsTheLayerWithAFreshLossTracker() {
        cam.negotiate(QHF, 0, 0);
        CameraLayer q = cam.latch(100, "q", T0);
        NackTracker firstLoss = q.loss();
        firstLoss.onPacket(1, T0);
        firstLoss.onPacket(5, T0); // 2, 3, 4 missing
        assertThat(firstLoss.missingCount()).isEqualTo(3);

        assertThat(cam.latch(101, "q", T0 + MS)).isSameAs(q);
        assertThat(q.ssrc()).isEqualTo(101);
        assertThat(q.ssrcChanges()).isEqualTo(1);
        assertThat(q.loss()).isNotSameAs(firstLoss);
        assertThat(q.loss().missingCount()).isZero();
        assertThat(q.lost()).as("what the old SSRC never got counts as lost").isEqualTo(3);
        assertThat(cam.bySsrc(100)).isNull();
        assertThat(cam.bySsrc(101)).isSameAs(q);
    }

    @Test
    void unknownRidIsRefusedAndCounted() {
        cam.negotiate(QHF, 0, 0);
        assertThat(cam.latch(300, "x", T0)).isNull();
        assertThat(cam.latch(301, "y", T0)).isNull();
        assertThat(cam.unknownRid()).isEqualTo(2);
        assertThat(cam.bySsrc(300)).isNull();
        assertThat(cam.any()).isFalse();
    }

    @Test
    void simulcastPacketWithoutRidOnUnknownSsrcIsRefused() {
        cam.negotiate(QHF, 0, 0);
        cam.latch(100, "q", T0);
        assertThat(cam.latch(999, null, T0)).isNull();
        assertThat(cam.bySsrc(999)).isNull();
        assertThat(cam.unknownRid()).isZero();
    }

    @Test
    void singleStreamTakesTheAnnouncedSsrc() {
        assertThat(cam.negotiate(List.of(), 1234, 0)).isTrue();
        assertThat(cam.simulcast()).isFalse();
        assertThat(cam.rids()).isEmpty();
        assertThat(cam.all()).hasSize(1);
        CameraLayer only = cam.all()[0];
        assertThat(only.rid()).isNull();
        assertThat(only.ssrc()).isEqualTo(1234);
        assertThat(cam.latch(1234, null, T0)).isSameAs(only);
    }

    @Test
    void oneRidIsASingleStream() {
        cam.negotiate(List.of("q"), 0, 0);
        assertThat(cam.simulcast()).isFalse();
        assertThat(cam.all()).singleElement().extracting(CameraLayer::rid).isNull();
    }

    @Test
    void singleStreamSecondSsrcOnlyAfterTheFirstWentSilent() {
        cam.negotiate(List.of(), 0, 0);
        CameraLayer only = cam.latch(10, null, T0);
        assertThat(only).isNotNull();
        assertThat(only.ssrc()).isEqualTo(10);
        only.onPacket(1000, T0);

        assertThat(cam.latch(20, null, T0 + 100 * MS)).as("first still live").isNull();
        assertThat(only.ssrc()).isEqualTo(10);
        assertThat(cam.latch(20, null, T0 + CameraLayer.LIVE_NANOS - 1)).isNull();

        assertThat(cam.latch(20, null, T0 + CameraLayer.LIVE_NANOS)).isSameAs(only);
        assertThat(only.ssrc()).isEqualTo(20);
        assertThat(only.ssrcChanges()).isEqualTo(1);
    }

    @Test
    void latchBeforeAnyNegotiationIsRefused() {
        assertThat(cam.latch(10, null, T0)).isNull();
        assertThat(cam.latch(10, "q", T0)).isNull();
    }

    @Test
    void rtxLatchedFromTheAnnouncedFid() {
        cam.negotiate(List.of(), 1234, 5678);
        CameraLayer only = cam.all()[0];
        assertThat(only.rtxSsrc()).isEqualTo(5678);
        assertThat(cam.latchRtx(5678, null)).isSameAs(only);
        assertThat(cam.byRtxSsrc(5678)).isSameAs(only);
        assertThat(cam.latchRtx(9999, null)).isNull();
        assertThat(cam.unknownRtx()).isEqualTo(1);
    }

    @Test
    void rtxLatchedByRepairedRid() {
        cam.negotiate(QHF, 0, 0);
        CameraLayer h = cam.latch(200, "h", T0);
        assertThat(cam.latchRtx(201, "h")).isSameAs(h);
        assertThat(h.rtxSsrc()).isEqualTo(201);
        assertThat(cam.latchRtx(201, null)).as("known RTX SSRC needs no rid").isSameAs(h);
        assertThat(cam.byRid("q").rtxSsrc()).isZero();
        assertThat(cam.latchRtx(301, "x")).isNull();
        assertThat(cam.unknownRtx()).isEqualTo(1);
    }

    @Test
    void negotiateSaysWhetherTheLayersChanged() {
        assertThat(cam.negotiate(QHF, 0, 0)).isTrue();
        CameraLayer[] first = cam.all();
        cam.latch(100, "q", T0);

        assertThat(cam.negotiate(QHF, 0, 0)).as("same rids").isFalse();
        assertThat(cam.all()).isSameAs(first);
        assertThat(cam.byRid("q")).isSameAs(first[0]);
        assertThat(cam.byRid("q").ssrc()).as("latched SSRC survives a re-offer").isEqualTo(100);

        assertThat(cam.negotiate(List.of("q", "h"), 0, 0)).as("other rids").isTrue();
        assertThat(cam.rids()).containsExactly("q", "h");
        assertThat(cam.byRid("q")).isNotSameAs(first[0]);

        assertThat(cam.negotiate(List.of(), 0, 0)).as("simulcast off").isTrue();
        CameraLayer single = cam.all()[0];
        assertThat(cam.negotiate(List.of(), 0, 0)).as("still a single stream").isFalse();
        assertThat(cam.all()[0]).isSameAs(single);

        assertThat(cam.negotiate(QHF, 0, 0)).as("simulcast on").isTrue();
        assertThat(cam.simulcast()).isTrue();
    }

    @Test
    void liveMeansAPacketWithinLiveNanos() {
        cam.negotiate(QHF, 0, 0);
        CameraLayer q = cam.byRid("q");
        q.onPacket(100, T0);
        assertThat(q.live(T0)).as("no SSRC yet").isFalse();
        cam.latch(100, "q", T0);
        assertThat(q.live(T0 + CameraLayer.LIVE_NANOS - 1)).isTrue();
        assertThat(q.live(T0 + CameraLayer.LIVE_NANOS)).isFalse();
        assertThat(cam.byRid("h").live(T0)).isFalse();
    }

    @Test
    void keyframesRecordTheSize() {
        cam.negotiate(QHF, 0, 0);
        CameraLayer f = cam.byRid("f");
        f.onKeyframe(1280, 720);
        f.onKeyframe(0, 0); // size unknown: keep the last one
        assertThat(f.keyframes()).isEqualTo(2);
        assertThat(f.width()).isEqualTo(1280);
        assertThat(f.height()).isEqualTo(720);
    }
}
