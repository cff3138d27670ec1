package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Screen share in headless Chromium (issue 13 part 3) with Chromium's fake capture: Ada presses Share screen;
 * Bob's main video becomes her screen (the browser's own inbound-rtp frame size: the screen, not a 160x120
 * camera), the participant list names it, the engine mixes it as a tile; Carol joining meanwhile gets it as
 * main at once; when the capture ends (the browser's "Stop sharing"), the share leaves and Bob's main video
 * is a camera again.
 */
class ScreenShareBrowserIT {
    static final String ROOM = "screen-it";

    @TempDir
    Path dir;

    @Test
    void aSharedScreenIsEveryonesMainVideoAndInTheMixUntilItStops() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        try (Meeting meeting = new Meeting(dir, 0);
             Browser ada = browser("ada", "E01E1E");
             Browser bob = browser("bob", "1EC81E")) {
            var sidecar = meeting.server.sidecar();
            ada.open(sidecar.joinUrl("127.0.0.1", ROOM, "Ada", Role.HOST));
            bob.open(sidecar.joinUrl("127.0.0.1", ROOM, "Bob", Role.PARTICIPANT));
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state())))
                        .as(x.label + " connected; state " + x.state() + ", errors " + x.field("errors")).isTrue();
            }
            assertThat(Meeting.await(20, () -> bob.frameHeight("main") == 120)).as("Bob sees Ada's 160x120 camera first, "
                    + "main frame height " + bob.frameHeight("main")).isTrue();

            assertThat(Meeting.await(10, () -> Boolean.FALSE.equals(ada.js("return document.getElementById('btn-screen').hidden;"))))
                    .as("Ada has a Share screen button").isTrue();
            ada.driver.findElement(By.id("btn-screen")).click(); // a real click: getDisplayMedia needs the user's gesture
            assertThat(Meeting.await(20, () -> Boolean.TRUE.equals(ada.field("sharing"))))
                    .as("Ada shares; errors " + ada.field("errors")).isTrue();
            assertThat(Meeting.await(30, () -> screenId(bob) != null && screenId(bob).equals(bob.field("mainSpeaker"))))
                    .as("the screen is Bob's main speaker: main " + bob.field("mainSpeaker") + ", participants "
                            + bob.field("participants") + ", Ada's errors " + ada.field("errors")).isTrue();
            assertThat(Meeting.await(30, () -> bob.frameHeight("main") > 120))
                    .as("Bob decodes the screen as his main video (frame height " + bob.frameHeight("main") + ")").isTrue();
            long screenHeight = bob.frameHeight("main");
            System.out.println("screen share: Bob's main video " + screenHeight + " lines high");
            String sid = screenId(bob);
            assertThat(Meeting.await(20, () -> meeting.engineOrder(ROOM).contains(sid)))
                    .as("the engine mixes the screen: " + meeting.engineOrder(ROOM)).isTrue();
            double[] tile = meeting.gridTileCentres(ROOM).get(sid);
            assertThat(Meeting.await(20, () -> notPlaceholder(bob.sample("mix", tile[0], tile[1]))))
                    .as("the mix's screen tile has a picture: " + bob.sample("mix", tile[0], tile[1])).isTrue();

            try (Browser carol = browser("carol", "1E1EE0")) { // joins while the screen is shared: sees it at once
                carol.open(sidecar.joinUrl("127.0.0.1", ROOM, "Carol"));
                assertThat(Meeting.await(40, () -> "connected".equals(carol.state()))).isTrue();
                assertThat(Meeting.await(20, () -> sid.equals(carol.field("mainSpeaker")) && carol.frameHeight("main") > 120))
                        .as("Carol's main video is the screen: " + carol.field("mainSpeaker") + ", " + carol.frameHeight("main")).isTrue();
                assertThat(screenId(carol)).isEqualTo(sid);
            }

            // the browser's own "Stop sharing" ends the capture track
            ada.js("const t = window.amsClient.screenShare.screen.getVideoTracks()[0]; t.stop(); t.dispatchEvent(new Event('ended'));");
            assertThat(Meeting.await(20, () -> Boolean.FALSE.equals(ada.field("sharing")))).isTrue();
            assertThat(Meeting.await(20, () -> screenId(bob) == null)).as("the share left: " + bob.field("participants")).isTrue();
            assertThat(Meeting.await(30, () -> bob.frameHeight("main") == 120))
                    .as("Bob's main video is a camera again (frame height " + bob.frameHeight("main") + ")").isTrue();
            assertThat(Meeting.await(10, () -> !meeting.engineOrder(ROOM).contains(sid))).as("out of the mix").isTrue();
            assertThat(String.valueOf(ada.field("errors"))).doesNotContain("screen_busy");
        }
    }

    @SuppressWarnings("unchecked")
    private static String screenId(Browser b) {
        Object list = b.field("participants");
        if (!(list instanceof List<?> l)) {
            return null;
        }
        for (Object o : l) {
            Map<String, Object> p = (Map<String, Object>) o;
            if ("Ada (screen)".equals(p.get("name"))) {
                return (String) p.get("id");
            }
        }
        return null;
    }

    /** Not the placeholder's dark background: some channel is bright. */
    private static boolean notPlaceholder(List<Long> rgb) {
        return rgb != null && (rgb.get(0) > 90 || rgb.get(1) > 90 || rgb.get(2) > 90);
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 160, 120, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)), false,
                Browser.CHROMIUM, List.of("--auto-select-desktop-capture-source=Entire screen"));
    }
}
