package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.compose.CpuCompositor;
import io.ams.sfu.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The meeting page (issue 13 part 4) in headless Chromium. Ada (red camera, silent microphone) joins through the
 * pre-join panel ({@code ?prejoin=1}: the fake devices listed, her preview, the level meter still, Join); Bob
 * (green, a tone) joins by the plain link. Ada turns her camera off: Bob's main view is the placeholder with her
 * name, the mix's tile of her is the engine's placeholder, not red; on again: red in both. The layout select
 * switches Bob's stage (the mix fills it for "Mix only", half of it side by side) and is remembered; at a phone's
 * width Bob's participant panel is below the stage; Ada switches her camera in the Devices panel (a new track on
 * the sender, Bob keeps decoding her red). Ada leaves:
 * Bob, alone, sees "No one is sharing video". Bob opens the pre-join panel: his remembered layout, his fake
 * microphone's tone moves the meter.
 */
class MeetingPageBrowserIT {
    static final String ROOM = "page-it";
    static final int[] RED = {224, 30, 30};
    static final int[] GREEN = {30, 200, 30};

    @TempDir
    Path dir;

    @Test
    void cameraOffPlaceholdersLayoutsAndPreJoin() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        try (Meeting meeting = new Meeting(dir, 0);
             Browser ada = browser("ada", "E01E1E", 0);
             Browser bob = browser("bob", "1EC81E", 0.8)) {
            var sidecar = meeting.server.sidecar();

            // Ada: the pre-join panel first, nothing joined until she presses Join
            ada.open(sidecar.joinUrl("127.0.0.1", ROOM, "Ada", Role.HOST) + "&prejoin=1");
            assertThat(Meeting.await(20, () -> optionCount(ada, "prejoin-camera") > 0 && optionCount(ada, "prejoin-mic") > 0))
                    .as("the pre-join panel lists the fake camera and microphone").isTrue();
            assertThat(visible(ada, "prejoin")).isTrue();
            assertThat(String.valueOf(ada.js("return document.getElementById('prejoin-camera').selectedOptions[0].textContent;")))
                    .as("the camera's label").isNotBlank();
            assertThat(Meeting.await(20, () -> num(ada.js("return document.getElementById('prejoin-video').videoWidth;")) > 0))
                    .as("Ada's preview plays").isTrue();
            double silent = 0;
            for (int i = 0; i < 8; i++) {
                silent = Math.max(silent, meter(ada));
                Thread.sleep(150);
            }
            assertThat(silent).as("a silent microphone leaves the meter at the bottom").isLessThan(0.02);
            assertThat(ada.state()).as("not joined before Join").isEqualTo("idle");
            ada.driver.findElement(By.id("btn-join")).click();

            bob.open(sidecar.joinUrl("127.0.0.1", ROOM, "Bob", Role.PARTICIPANT));
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state())))
                        .as(x.label + " connected; state " + x.state() + ", errors " + x.field("errors")).isTrue();
            }
            assertThat(visible(ada, "prejoin")).as("the panel is gone once joined").isFalse();
            assertThat(ada.js("return localStorage.getItem('ams.devices');")).as("the device choice is remembered").isNotNull();

            String adaId = (String) ada.field("participantId");
            assertThat(Meeting.await(30, () -> Meeting.near(bob.sample("main", 0.5, 0.5), RED, 50)))
                    .as("Bob's main video is Ada's red camera: " + bob.sample("main", 0.5, 0.5)).isTrue();
            assertThat(Meeting.await(20, () -> meeting.engineOrder(ROOM).contains(adaId) && meeting.engineOrder(ROOM).size() == 2))
                    .as("both in the mix: " + meeting.engineOrder(ROOM)).isTrue();
            double[] tile = meeting.gridTileCentres(ROOM).get(adaId);
            double fx = tile[0];
            double fy = tile[1] - 0.12; // above the placeholder's name, inside the tile
            assertThat(Meeting.await(30, () -> Meeting.near(bob.sample("mix", fx, fy), RED, 50)))
                    .as("Ada's tile in Bob's mix is red: " + bob.sample("mix", fx, fy)).isTrue();
            assertThat(visible(bob, "main-placeholder")).as("no placeholder while Ada's camera is on").isFalse();

            // camera off: the name placeholder in Bob's main view and the engine's placeholder in the mix
            ada.driver.findElement(By.id("btn-cam")).click();
            assertThat(Meeting.await(10, () -> Boolean.TRUE.equals(ada.field("videoMuted")))).isTrue();
            assertThat(Meeting.await(10, () -> visible(bob, "main-placeholder")
                    && "Ada".equals(text(bob, "main-placeholder-name"))))
                    .as("Bob's main view: the placeholder with Ada's name; " + text(bob, "main-placeholder-name")).isTrue();
            assertThat(bob.js("return getComputedStyle(document.getElementById('main-video')).visibility;")).isEqualTo("hidden");
            int[] placeholder = rgb(CpuCompositor.PLACEHOLDER_RGB);
            assertThat(Meeting.await(20, () -> Meeting.near(bob.sample("mix", fx, fy), placeholder, 30)))
                    .as("Ada's tile is the engine's placeholder " + List.of(placeholder[0], placeholder[1], placeholder[2])
                            + ", not black or red: " + bob.sample("mix", fx, fy)).isTrue();
            assertThat(text(ada, "btn-cam")).isEqualTo("Camera on");

            // camera on again: red in both
            ada.driver.findElement(By.id("btn-cam")).click();
            assertThat(Meeting.await(10, () -> !visible(bob, "main-placeholder"))).as("Bob's placeholder gone").isTrue();
            assertThat(bob.js("return getComputedStyle(document.getElementById('main-video')).visibility;")).isEqualTo("visible");
            assertThat(Meeting.await(20, () -> Meeting.near(bob.sample("main", 0.5, 0.5), RED, 50)))
                    .as("Bob's main video red again: " + bob.sample("main", 0.5, 0.5)).isTrue();
            assertThat(Meeting.await(20, () -> Meeting.near(bob.sample("mix", fx, fy), RED, 50)))
                    .as("Ada's tile red again: " + bob.sample("mix", fx, fy)).isTrue();

            // layouts: the mix fills the stage, then main and mix side by side; the choice is remembered
            choose(bob, "layout", "mix");
            assertThat(classes(bob, "stage")).contains("layout-mix");
            Map<String, Object> stage = rect(bob, "stage");
            Map<String, Object> mix = rect(bob, "mix");
            assertThat(num(mix.get("width"))).as("the mix fills the stage: " + mix + " in " + stage)
                    .isCloseTo(num(stage.get("width")), org.assertj.core.data.Offset.offset(2.0));
            assertThat(num(mix.get("height"))).isCloseTo(num(stage.get("height")), org.assertj.core.data.Offset.offset(2.0));
            choose(bob, "layout", "side");
            assertThat(classes(bob, "stage")).contains("layout-side").doesNotContain("layout-mix");
            mix = rect(bob, "mix");
            Map<String, Object> main = rect(bob, "main-video");
            assertThat(num(mix.get("width"))).as("side by side: half the stage " + mix)
                    .isCloseTo(num(stage.get("width")) / 2, org.assertj.core.data.Offset.offset(4.0));
            assertThat(num(main.get("x")) + num(main.get("width"))).as("main on the left of the mix " + main)
                    .isLessThanOrEqualTo(num(mix.get("x")) + 1);
            choose(bob, "layout", "mix");
            assertThat(bob.js("return localStorage.getItem('ams.layout');")).isEqualTo("mix");

            // a phone: the side panel goes below the stage, as wide as the page
            bob.driver.manage().window().setSize(new org.openqa.selenium.Dimension(420, 860));
            assertThat(Meeting.await(10, () -> num(bob.js("return window.innerWidth;")) <= 700)).isTrue();
            Map<String, Object> phoneStage = rect(bob, "stage");
            Map<String, Object> aside = rect(bob, "participants");
            assertThat(num(aside.get("y"))).as("participants below the stage on a phone: " + aside + ", stage " + phoneStage)
                    .isGreaterThanOrEqualTo(num(phoneStage.get("y")) + num(phoneStage.get("height")) - 1);
            assertThat(num(phoneStage.get("width"))).as("the stage takes the phone's width")
                    .isGreaterThan(num(bob.js("return window.innerWidth;")) - 20);
            bob.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720));

            // Devices during the call: Ada switches her camera (the same fake device, a new track) on the sender
            ada.driver.findElement(By.id("btn-settings")).click();
            assertThat(Meeting.await(10, () -> visible(ada, "settings") && optionCount(ada, "set-camera") > 0
                    && optionCount(ada, "set-mic") > 0)).as("the Devices panel lists the fake devices").isTrue();
            String oldTrack = (String) ada.js("return window.amsClient.localStream.getVideoTracks()[0].id;");
            Object switched = ada.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const c = window.amsClient; const id = document.getElementById('set-camera').value;"
                    + "c.switchDevice('video', id).then(t => {"
                    + "  const s = c.pc.getTransceivers().find(x => x.mid === '1').sender;"
                    + "  done(s.track === t && t.readyState === 'live' ? t.id : 'sender has ' + (s.track && s.track.id));"
                    + "}, e => done('error ' + e));");
            assertThat(String.valueOf(switched)).as("the new camera track is on the sender").isNotEqualTo(oldTrack)
                    .doesNotStartWith("error").doesNotStartWith("sender");
            long before = bob.framesDecoded("main");
            assertThat(Meeting.await(20, () -> bob.framesDecoded("main") > before + 15
                    && Meeting.near(bob.sample("main", 0.5, 0.5), RED, 50)))
                    .as("Bob keeps receiving Ada's camera after the switch: " + bob.sample("main", 0.5, 0.5)).isTrue();
            ada.driver.findElement(By.id("btn-settings-close")).click();
            assertThat(visible(ada, "settings")).isFalse();

            // Ada leaves: Bob is alone, nobody sends video
            ada.driver.findElement(By.id("btn-leave")).click();
            assertThat(Meeting.await(20, () -> participantCount(bob) == 1)).as("Ada left: " + bob.field("participants")).isTrue();
            choose(bob, "layout", "speaker");
            assertThat(Meeting.await(10, () -> visible(bob, "main-placeholder")
                    && text(bob, "main-placeholder-note").startsWith("No one is sharing video")))
                    .as("Bob sees the no-video placeholder, not Ada's last frame: "
                            + text(bob, "main-placeholder-note")).isTrue();
            assertThat(text(bob, "main-placeholder-name")).isEmpty();
            assertThat(bob.js("return getComputedStyle(document.getElementById('main-video')).visibility;")).isEqualTo("hidden");
            choose(bob, "layout", "mix");

            // Bob again through the pre-join panel: his layout remembered, his tone moves the meter
            bob.open(sidecar.joinUrl("127.0.0.1", ROOM, "Bob", Role.PARTICIPANT) + "&prejoin=1");
            assertThat(Meeting.await(20, () -> optionCount(bob, "prejoin-mic") > 0)).isTrue();
            assertThat(bob.js("return document.getElementById('layout').value;")).as("the layout remembered").isEqualTo("mix");
            assertThat(classes(bob, "stage")).contains("layout-mix");
            assertThat(Meeting.await(15, () -> meter(bob) > 0.1)).as("the tone moves the meter: " + meter(bob)).isTrue();
            bob.driver.findElement(By.id("btn-join")).click();
            assertThat(Meeting.await(40, () -> "connected".equals(bob.state())))
                    .as("Bob joins from the pre-join panel; errors " + bob.field("errors")).isTrue();
        }
    }

    /** Picks a value in a select as a user does: the change event follows. */
    private static void choose(Browser b, String id, String value) {
        b.js("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                + "e.dispatchEvent(new Event('change', {bubbles: true}));", id, value);
    }

    private static boolean visible(Browser b, String id) {
        return Boolean.TRUE.equals(b.js("const e = document.getElementById(arguments[0]);"
                + "return !!e && !e.hidden && getComputedStyle(e).display !== 'none';", id));
    }

    private static String text(Browser b, String id) {
        return String.valueOf(b.js("return document.getElementById(arguments[0]).textContent;", id));
    }

    private static String classes(Browser b, String id) {
        return String.valueOf(b.js("return document.getElementById(arguments[0]).className;", id));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rect(Browser b, String id) {
        return (Map<String, Object>) b.js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                + "return {x: r.x, y: r.y, width: r.width, height: r.height};", id);
    }

    private static long optionCount(Browser b, String id) {
        return (long) num(b.js("return document.getElementById(arguments[0]).options.length;", id));
    }

    private static double meter(Browser b) {
        return num(b.js("return document.getElementById('mic-level').value;"));
    }

    private static int participantCount(Browser b) {
        Object l = b.field("participants");
        return l instanceof List<?> list ? list.size() : -1;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static int[] rgb(int hex) {
        return new int[] {(hex >> 16) & 0xFF, (hex >> 8) & 0xFF, hex & 0xFF};
    }

    private Browser browser(String name, String hex, double volume) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 160, 120, 15);
        Path wav = FakeMedia.tone(dir, name, volume);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }
}
