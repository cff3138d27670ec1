package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;

/**
 * Host controls in headless Chromium (issue 8 part 4): Ada joins with a host link, Bob with a
 * participant link. Ada locks the room with her button and Carol, new to it, is refused in words; Ada
 * asks Bob to mute and Bob's microphone goes off (his page says who asked, its own audio source goes
 * silent); Ada removes Bob, whose page says so and does not rejoin by itself, and whose link, opened
 * again, is refused.
 */
class RoomAccessIT {
    static final String ROOM = "access-it";

    @TempDir
    Path dir;

    @Test
    void aHostLocksTheRoomAsksToMuteAndRemovesAParticipant() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        try (Meeting meeting = new Meeting(dir, 0);
             Browser ada = browser("ada", "E01E1E", 0);
             Browser bob = browser("bob", "1EC81E", 0.8)) {
            var sidecar = meeting.server.sidecar();
            ada.open(sidecar.joinUrl("127.0.0.1", ROOM, "Ada", Role.HOST));
            String bobLink = sidecar.joinUrl("127.0.0.1", ROOM, "Bob", Role.PARTICIPANT);
            bob.open(bobLink);
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state())))
                        .as(x.label + " connected; state " + x.state() + ", errors " + x.field("errors")).isTrue();
            }
            // only the host has host controls
            assertThat(Meeting.await(10, () -> Boolean.TRUE.equals(ada.js(
                    "return !document.getElementById('btn-lock').hidden && !!document.querySelector(\"button[aria-label='Remove Bob from the meeting']\");"))))
                    .as("Ada sees the lock button and a Remove button for Bob").isTrue();
            assertThat(bob.js("return document.getElementById('btn-lock').hidden && !document.querySelector('button.host-remove');"))
                    .as("Bob sees no host controls").isEqualTo(true);
            assertThat(text(bob, "participants")).contains("Ada (host)");

            // lock: everyone sees it; a newcomer is refused in words
            ada.js("document.getElementById('btn-lock').click();");
            assertThat(Meeting.await(10, () -> text(bob, "lock-state").equals("locked by Ada")))
                    .as("Bob's page shows the lock: " + text(bob, "lock-state")).isTrue();
            assertThat(text(bob, "notices")).contains("Ada locked the room: nobody new can join.");
            assertThat(Meeting.await(5, () -> text(ada, "btn-lock").equals("Unlock room"))).isTrue();
            try (Browser carol = browser("carol", "1E1EE0", 0)) {
                carol.open(sidecar.joinUrl("127.0.0.1", ROOM, "Carol"));
                assertThat(Meeting.await(30, () -> "refused".equals(carol.state())))
                        .as("Carol is refused: state " + carol.state() + ", errors " + carol.field("errors")).isTrue();
                assertThat(text(carol, "errors")).contains("This room is locked: the host is not letting anyone new in right now.")
                        .contains("locked by Ada");
                assertThat(text(carol, "conn-state")).isEqualTo("not admitted");
            }
            assertThat(sidecar.access().stats().joinsRefusedLocked()).isEqualTo(1);
            assertThat(meeting.room(ROOM).size()).isEqualTo(2);

            // ask to mute: Bob's microphone goes off, his page says who asked, and his audio source is silent
            assertThat(Meeting.await(20, () -> micLevel(bob) > 0.001)).as("Bob's tone is on his microphone: " + micLevel(bob)).isTrue();
            ada.js("document.querySelector(\"button[aria-label='Ask Bob to mute']\").click();");
            assertThat(Meeting.await(10, () -> Boolean.TRUE.equals(bob.field("audioMuted")))).as("Bob is muted").isTrue();
            assertThat(bob.js("return window.amsClient.localStream.getAudioTracks()[0].enabled;")).isEqualTo(false);
            assertThat(text(bob, "notices")).contains("Ada asked you to mute: your microphone is now off.");
            assertThat(text(bob, "btn-mic")).isEqualTo("Unmute");
            assertThat(Meeting.await(10, () -> micLevel(bob) == 0)).as("Bob's audio source is silent: " + micLevel(bob)).isTrue();
            assertThat(Meeting.await(10, () -> text(ada, "participants").contains("Bob 🔇")))
                    .as("Ada's list shows Bob muted: " + text(ada, "participants")).isTrue();

            // remove: Bob's page says so, stays out, and his link no longer admits him
            ada.js("document.querySelector(\"button[aria-label='Remove Bob from the meeting']\").click();");
            assertThat(Meeting.await(10, () -> "removed".equals(bob.state())))
                    .as("Bob removed: state " + bob.state() + ", errors " + bob.field("errors")).isTrue();
            assertThat(text(bob, "errors")).contains("You were removed from the meeting by Ada. This link no longer admits you.");
            assertThat(text(bob, "conn-state")).isEqualTo("removed");
            Files.write(Path.of("target", "access-removed-bob.png"), bob.driver.getScreenshotAs(OutputType.BYTES));
            Thread.sleep(4000); // a rejoin would start within 0.5 s
            assertThat(bob.state()).isEqualTo("removed");
            assertThat(((Number) bob.field("reconnectAttempt")).intValue()).as("no rejoin attempt").isZero();
            assertThat(bob.js("return window.amsClient.localStream.getTracks().every(t => t.readyState === 'ended');"))
                    .as("Bob's camera and microphone are off").isEqualTo(true);
            assertThat(meeting.room(ROOM).size()).isEqualTo(1);
            assertThat(Meeting.await(10, () -> !text(ada, "participants").contains("Bob"))).isTrue();

            bob.open(bobLink); // what a removed person tries: the same link again
            assertThat(Meeting.await(30, () -> "refused".equals(bob.state())))
                    .as("Bob's rejoin is refused: state " + bob.state() + ", errors " + bob.field("errors")).isTrue();
            assertThat(text(bob, "errors")).contains("Your join link no longer admits you.")
                    .contains("removed from room 'access-it' by Ada");
            assertThat(meeting.room(ROOM).size()).isEqualTo(1);
            assertThat(sidecar.access().stats().joinsRefusedRevoked()).isEqualTo(1);
            assertThat(ada.state()).as("the host's meeting goes on").isEqualTo("connected");
        }
    }

    private Browser browser(String name, String hex, double volume) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 160, 120, 15);
        Path wav = FakeMedia.tone(dir, name, volume);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    private static String text(Browser b, String id) {
        Object t = b.js("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
        return t == null ? "" : (String) t;
    }

    /** The level of the page's own microphone source as WebRTC measures it (media-source stats), -1 if unknown. */
    private static double micLevel(Browser b) {
        Object o = b.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const pc = window.amsClient && window.amsClient.pc; if (!pc) { done(-1); return; }"
                + "pc.getStats().then(r => { let l = -1; r.forEach(s => { if (s.type === 'media-source' && s.kind === 'audio'"
                + " && s.audioLevel !== undefined) l = s.audioLevel; }); done(l); }, () => done(-1));");
        return ((Number) o).doubleValue();
    }
}
