package io.ams.sfu.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayerChoiceTest {
    private static final long NOW = 10_000_000_000L;

    private final CameraLayers cam = new CameraLayers();
    private final CameraLayer q;
    private final CameraLayer h;
    private final CameraLayer f;

    LayerChoiceTest() {
        cam.negotiate(List.of("q", "h", "f"), 0, 0);
        q = cam.latch(1, "q", NOW);
        h = cam.latch(2, "h", NOW);
        f = cam.latch(3, "f", NOW);
    }

    private static void live(CameraLayer... ls) {
        for (CameraLayer l : ls) {
            l.onPacket(1000, NOW - 1_000_000L);
        }
    }

    private static void sized(CameraLayer l, int w, int hh) {
        l.onKeyframe(w, hh);
    }

    @Test
    void relayTakesTheHighestLiveLayerWithinTheLimit() {
        live(q, h, f);
        assertThat(LayerChoice.forRelay(cam.all(), 2, NOW)).isSameAs(f);
        assertThat(LayerChoice.forRelay(cam.all(), 1, NOW)).isSameAs(h);
        assertThat(LayerChoice.forRelay(cam.all(), 0, NOW)).isSameAs(q);
        assertThat(LayerChoice.forRelay(cam.all(), 9, NOW)).isSameAs(f);
    }

    @Test
    void relaySkipsLayersThatAreNotLive() {
        live(q, f); // h paused
        assertThat(LayerChoice.forRelay(cam.all(), 1, NOW)).isSameAs(q);
        assertThat(LayerChoice.forRelay(cam.all(), 2, NOW)).isSameAs(f);
    }

    @Test
    void relayFallsBackToTheLowestLiveLayer() {
        live(h, f); // q paused, nothing within maxIndex 0
        assertThat(LayerChoice.forRelay(cam.all(), 0, NOW)).isSameAs(h);
    }

    @Test
    void relayLayerSilentForLiveNanosIsNotTaken() {
        live(q, h);
        f.onPacket(1000, NOW - CameraLayer.LIVE_NANOS);
        assertThat(LayerChoice.forRelay(cam.all(), 2, NOW)).isSameAs(h);
    }

    @Test
    void nothingLiveIsNull() {
        assertThat(LayerChoice.forRelay(cam.all(), 2, NOW)).isNull();
        assertThat(LayerChoice.forTile(cam.all(), 180, NOW)).isNull();
        assertThat(LayerChoice.forRelay(new CameraLayer[0], 2, NOW)).isNull();
    }

    @Test
    void tileTakesTheSmallestLiveLayerHighEnough() {
        live(q, h, f);
        sized(q, 320, 180);
        sized(h, 640, 360);
        sized(f, 1280, 720);
        assertThat(LayerChoice.forTile(cam.all(), 144, NOW)).isSameAs(q);
        assertThat(LayerChoice.forTile(cam.all(), 180, NOW)).isSameAs(q);
        assertThat(LayerChoice.forTile(cam.all(), 181, NOW)).isSameAs(h);
        assertThat(LayerChoice.forTile(cam.all(), 360, NOW)).isSameAs(h);
        assertThat(LayerChoice.forTile(cam.all(), 540, NOW)).isSameAs(f);
    }

    @Test
    void tileSkipsLayersThatAreNotLive() {
        live(q, f);
        sized(q, 320, 180);
        sized(h, 640, 360);
        sized(f, 1280, 720);
        assertThat(LayerChoice.forTile(cam.all(), 360, NOW)).isSameAs(f);
    }

    @Test
    void unknownSizeCountsAsTooSmall() {
        live(q, h, f);
        sized(f, 1280, 720); // q and h sent no keyframe yet
        assertThat(LayerChoice.forTile(cam.all(), 90, NOW)).isSameAs(f);
        assertThat(LayerChoice.forTile(cam.all(), 0, NOW)).as("even for a tiny tile").isSameAs(f);
    }

    @Test
    void tileFallsBackToTheHighestLiveLayer() {
        live(q, h);
        sized(q, 320, 180);
        sized(h, 640, 360);
        sized(f, 1280, 720); // f paused
        assertThat(LayerChoice.forTile(cam.all(), 720, NOW)).isSameAs(h);
        CameraLayers none = new CameraLayers();
        none.negotiate(List.of("q", "h", "f"), 0, 0);
        CameraLayer onlyQ = none.latch(7, "q", NOW);
        onlyQ.onPacket(10, NOW);
        assertThat(LayerChoice.forTile(none.all(), 720, NOW)).as("size unknown, but the best there is").isSameAs(onlyQ);
    }
}
