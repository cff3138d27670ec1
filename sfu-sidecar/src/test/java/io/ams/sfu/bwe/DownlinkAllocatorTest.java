package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.bwe.DownlinkAllocator.Allocation;
import io.ams.sfu.bwe.DownlinkAllocator.Layer;
import io.ams.sfu.bwe.DownlinkAllocator.Request;
import io.ams.sfu.bwe.DownlinkAllocator.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownlinkAllocatorTest {
    private static final long K = 1000;
    // Chrome's 720p simulcast ladder (DESIGN.md section 9), targets
    static final Layer Q = new Layer("q", 320, 180, 150 * K);
    static final Layer H = new Layer("h", 640, 360, 500 * K);
    static final Layer F = new Layer("f", 1280, 720, 2500 * K);
    static final long AUDIO = 40 * K;
    static final long MIX = 600 * K;

    private final DownlinkAllocator a = new DownlinkAllocator();

    private static Request req(Source... pinned) {
        return new Request(AUDIO, MIX, new Source("p2", List.of(F, Q, H)), List.of(pinned));
    }

    @Test
    void fitsAudioThenMixThenTheBestMainLayer() {
        Allocation x = a.allocate(4000 * K, req(), 0);
        assertThat(x.mainLayer()).isEqualTo(F);
        assertThat(x.mixOnly()).isFalse();
        assertThat(x.allocatedBps()).isEqualTo(AUDIO + MIX + F.bitrateBps());
        DownlinkAllocator b = new DownlinkAllocator();
        Allocation y = b.allocate(1300 * K, req(), 0);
        assertThat(y.mainLayer()).isEqualTo(H);
        assertThat(y.wantedBps()).as("what the next step up needs, for probing").isEqualTo(AUDIO + MIX + (long) Math.ceil(F.bitrateBps() * 1.1));
    }

    @Test
    void pinnedParticipantsComeAfterTheMainSpeaker() {
        Source pin = new Source("p3", List.of(Q, H));
        Allocation x = a.allocate(AUDIO + MIX + F.bitrateBps() + Q.bitrateBps() + 10 * K, req(pin), 0);
        assertThat(x.mainLayer()).isEqualTo(F);
        assertThat(x.pinned()).containsEntry("p3", Q);
        DownlinkAllocator b = new DownlinkAllocator();
        Allocation y = b.allocate(AUDIO + MIX + F.bitrateBps() + 50 * K, req(pin), 0);
        assertThat(y.mainLayer()).isEqualTo(F);
        assertThat(y.pinned().get("p3")).as("paused: nothing left").isNull();
    }

    @Test
    void mixOnlyWhenEvenTheLowestLayerDoesNotFitNextToTheMix() {
        Allocation first = a.allocate(AUDIO + MIX + 100 * K, req(new Source("p3", List.of(Q))), 0);
        assertThat(first.mixOnly()).as("not at the first dip: the lowest layer for three seconds").isFalse();
        assertThat(first.mainLayer()).isEqualTo(Q);
        assertThat(a.allocate(AUDIO + MIX + 100 * K, req(new Source("p3", List.of(Q))), 2900).mixOnly()).isFalse();
        Allocation x = a.allocate(AUDIO + MIX + 100 * K, req(new Source("p3", List.of(Q))), 3000);
        assertThat(x.mixOnly()).isTrue();
        assertThat(x.mainLayer()).isNull();
        assertThat(x.pinned().get("p3")).isNull();
        assertThat(x.allocatedBps()).isEqualTo(AUDIO + MIX);
        assertThat(x.wantedBps()).isEqualTo(AUDIO + MIX + (long) Math.ceil(Q.bitrateBps() * 1.1));
        DownlinkAllocator c = new DownlinkAllocator();
        c.allocate(100 * K, req(), 0);
        Allocation starved = c.allocate(100 * K, req(), 3000);
        assertThat(starved.mixOnly()).isTrue();
        assertThat(starved.allocatedBps()).as("audio and the mix are kept even beyond the estimate").isEqualTo(AUDIO + MIX);
    }

    @Test
    void stepsDownAtOnceAndUpOnlyWithHeadroomAfterTheHold() {
        long t = 0;
        assertThat(a.allocate(4000 * K, req(), t).mainLayer()).isEqualTo(F);
        t += 100;
        assertThat(a.allocate(1500 * K, req(), t).mainLayer()).as("congestion: down at the next allocation").isEqualTo(H);
        t += 100;
        assertThat(a.allocate(4000 * K, req(), t).mainLayer()).as("held after a step down").isEqualTo(H);
        t += DownlinkAllocator.INITIAL_HOLD_MS;
        assertThat(a.allocate(AUDIO + MIX + F.bitrateBps() + 10 * K, req(), t).mainLayer())
                .as("fits, but without 10 % headroom").isEqualTo(H);
        assertThat(a.allocate(4000 * K, req(), t).mainLayer()).isEqualTo(F);
    }

    @Test
    void anUpgradeUndoneSoonBacksOffLonger() {
        long t = 0;
        a.allocate(4000 * K, req(), t);
        a.allocate(1500 * K, req(), t += 100);             // down, hold 3 s
        a.allocate(4000 * K, req(), t += 3000);             // up again
        a.allocate(1500 * K, req(), t += 500);              // undone within 10 s: hold 4.5 s
        assertThat(a.allocate(4000 * K, req(), t += 3500).mainLayer()).isEqualTo(H);
        assertThat(a.allocate(4000 * K, req(), t += 1000).mainLayer()).isEqualTo(F);
    }

    @Test
    void leavingMixOnlyNeedsHeadroomAndTheHold() {
        long t = 0;
        assertThat(a.allocate(4000 * K, req(), t).mainLayer()).isEqualTo(F);
        assertThat(a.allocate(AUDIO + MIX + 50 * K, req(), t += 100).mixOnly()).as("a dip").isFalse();
        assertThat(a.allocate(AUDIO + MIX + 50 * K, req(), t += 3000).mixOnly()).as("three seconds without a break").isTrue();
        assertThat(a.allocate(AUDIO + MIX + Q.bitrateBps() * 2, req(), t += 1000).mixOnly()).as("held").isTrue();
        assertThat(a.allocate(AUDIO + MIX + Q.bitrateBps() + 5 * K, req(), t += 3000).mixOnly()).as("no headroom").isTrue();
        Allocation x = a.allocate(AUDIO + MIX + Q.bitrateBps() * 2, req(), t);
        assertThat(x.mixOnly()).isFalse();
        assertThat(x.mainLayer()).isEqualTo(Q);
    }

    @Test
    void aSingleLayerWorksAsToday() {
        Layer only = new Layer("", 640, 480, 1000 * K);
        Request r = new Request(AUDIO, MIX, new Source("p2", List.of(only)), List.of());
        assertThat(a.allocate(2000 * K, r, 0).mainLayer()).isEqualTo(only);
        assertThat(a.allocate(1000 * K, r, 100).mixOnly()).isFalse();
        assertThat(a.allocate(1000 * K, r, 3100).mixOnly()).isTrue();
        assertThat(new DownlinkAllocator().allocate(1000 * K, new Request(AUDIO, MIX, null, List.of()), 0).mixOnly())
                .as("nobody in the main slot is not mix-only").isFalse();
    }
}
