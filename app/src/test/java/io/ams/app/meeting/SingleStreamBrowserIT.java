package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import io.ams.sfu.room.RoomSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --no-simulcast}: headless Chromium sends its camera as one stream (the browser's own outbound-rtp stats
 * show one encoding without rid), the server takes it as one layer, and the meeting works as with simulcast: the
 * main video at the camera's full size, every camera in its tile of the mix.
 */
class SingleStreamBrowserIT {
    static final String ROOM = "single-stream-it";
    static final Map<String, int[]> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("red", new int[] {230, 30, 30});
        COLOURS.put("blue", new int[] {30, 30, 230});
    }

    @TempDir
    static Path dir;
    static Meeting meeting;
    static final Map<String, Browser> browsers = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID), P2pSettings.off(),
                false);
        for (var e : COLOURS.entrySet()) {
            int[] c = e.getValue();
            Path y4m = FakeMedia.colourWithNoise(dir, e.getKey(), String.format("%02X%02X%02X", c[0], c[1], c[2]), 640, 360, 15);
            Path wav = FakeMedia.tone(dir, e.getKey(), e.getKey().equals("red") ? 0.8 : 0);
            Browser b = new Browser(e.getKey(), y4m, wav, Files.createDirectories(dir.resolve("profile-" + e.getKey())));
            browsers.put(e.getKey(), b);
            b.open(meeting.url(ROOM, e.getKey()));
        }
    }

    @AfterAll
    static void stop() {
        browsers.values().forEach(Browser::close);
        if (meeting != null) {
            meeting.close();
        }
    }

    @Test
    void everyCameraIsOneStreamAndTheMeetingWorks() throws Exception {
        Browser blue = browsers.get("blue");
        Browser red = browsers.get("red");
        for (Browser b : browsers.values()) {
            assertThat(Meeting.await(40, () -> b.framesDecoded("main") > 20 && b.framesDecoded("mix") > 20))
                    .as(b.label + " decodes main and mix: " + b.stats()).isTrue();
            List<Map<String, Object>> layers = layers(b);
            assertThat(layers).as(b.label + " sends one encoding: " + layers).hasSize(1);
            assertThat(layers.get(0).get("rid")).as("without rid").isNull();
            assertThat(((Number) layers.get(0).get("frameHeight")).longValue()).as(b.label + " sends its full 360 lines")
                    .isEqualTo(360);
        }
        for (String name : COLOURS.keySet()) {
            RoomSnapshot.CameraSnapshot c = camera(name);
            assertThat(c.layers()).as(name + "'s camera is one layer on the server: " + c).hasSize(1);
            assertThat(Meeting.await(20, () -> "single".equals(camera(name).engineLayer())))
                    .as("the engine takes " + name + "'s one stream: " + camera(name)).isTrue();
        }

        assertThat(Meeting.await(20, () -> Meeting.near(blue.sample("main", 0.5, 0.5), COLOURS.get("red"), 60)))
                .as("blue shows red, who speaks, as main: " + blue.sample("main", 0.5, 0.5)).isTrue();
        assertThat(Meeting.await(20, () -> blue.frameHeight("main") == 360))
                .as("at the camera's full size: " + blue.frameHeight("main")).isTrue();
        assertThat(Meeting.await(20, () -> Meeting.near(red.sample("main", 0.5, 0.5), COLOURS.get("blue"), 60)))
                .as("red, the speaker, sees blue as main: " + red.sample("main", 0.5, 0.5)).isTrue();

        Map<String, double[]> tiles = meeting.gridTileCentres(ROOM);
        for (Browser b : browsers.values()) {
            for (String name : COLOURS.keySet()) {
                double[] at = tiles.get(meeting.idOf(ROOM, name));
                assertThat(Meeting.await(15, () -> Meeting.near(b.sample("mix", at[0], at[1]), COLOURS.get(name), 60)))
                        .as(b.label + " sees " + name + " in its mix tile: " + b.sample("mix", at[0], at[1])).isTrue();
            }
        }
    }

    private static RoomSnapshot.CameraSnapshot camera(String name) {
        return meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow()
                .camera();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layers(Browser b) {
        Map<String, Object> s = b.stats();
        Object l = s == null ? null : s.get("outboundLayers");
        return l == null ? List.of() : (List<Map<String, Object>>) l;
    }
}
