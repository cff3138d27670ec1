package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.app.Cli;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.media.VideoFrame;
import io.ams.sfu.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording started from the meeting (issue 9 part 5) in headless Chromium: Ada (host) presses Record,
 * her page and Bob's show the red indicator with her name, Carol joining later sees it too, Bob (a
 * participant) has no Record button and his 'record' message is refused; Ada stops it, every indicator
 * goes, and the sealed file on the server exports with {@code ams recording export} into a WebM of the
 * meeting's mix that decodes.
 */
class RecordingBrowserIT {
    static final String ROOM = "rec-it";

    @TempDir
    Path dir;

    @Test
    void theHostRecordsEveryoneSeesItAndTheRecordingExports() throws Exception {
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
            assertThat(Meeting.await(20, () -> Boolean.TRUE.equals(ada.field("mixAvailable")))).as("the mix runs").isTrue();
            assertThat(Meeting.await(10, () -> Boolean.FALSE.equals(ada.js("return document.getElementById('btn-rec').hidden;"))))
                    .as("Ada has a Record button").isTrue();
            assertThat(bob.js("return document.getElementById('btn-rec').hidden;")).as("Bob has none").isEqualTo(true);
            assertThat(bob.js("return document.getElementById('rec-state').hidden;")).as("nothing recorded yet").isEqualTo(true);

            ada.js("document.getElementById('btn-rec').click();");
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(15, () -> text(x, "rec-state").equals("● Recording (Ada)") && visible(x, "rec-state")))
                        .as(x.label + "'s page shows the recording: '" + text(x, "rec-state") + "'").isTrue();
            }
            assertThat(text(bob, "notices")).contains("This meeting is being recorded (started by Ada).");
            assertThat(text(ada, "btn-rec")).isEqualTo("Stop recording");
            assertThat(bob.js("return getComputedStyle(document.getElementById('rec-state')).backgroundColor;"))
                    .as("the indicator is red").isEqualTo("rgb(209, 36, 47)");

            // a participant cannot stop it
            bob.js("window.amsClient.record(false);");
            assertThat(Meeting.await(10, () -> text(bob, "errors").contains("only a host can stop recording")))
                    .as("Bob's stop is refused: " + text(bob, "errors")).isTrue();

            try (Browser carol = browser("carol", "1E1EE0")) { // joins while it records: sees it at once
                carol.open(sidecar.joinUrl("127.0.0.1", ROOM, "Carol"));
                assertThat(Meeting.await(40, () -> "connected".equals(carol.state()))).isTrue();
                assertThat(Meeting.await(10, () -> text(carol, "rec-state").equals("● Recording (Ada)")))
                        .as("Carol sees the recording: '" + text(carol, "rec-state") + "'").isTrue();
                Thread.sleep(5_000); // record a while with three people in the mix
            }
            ada.js("document.getElementById('btn-rec').click();");
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(15, () -> !visible(x, "rec-state")))
                        .as(x.label + "'s indicator goes: '" + text(x, "rec-state") + "'").isTrue();
            }
            assertThat(text(bob, "notices")).contains("The recording stopped.");
        }
        Path recordings = dir.resolve("recordings");
        List<Path> sealed;
        try (Stream<Path> files = Files.list(recordings)) {
            sealed = files.filter(f -> f.getFileName().toString().startsWith(ROOM + "-")).toList();
        }
        assertThat(sealed).as("one sealed file of the room in " + recordings).hasSize(1);
        Path out = dir.resolve("meeting.webm");
        Cli.Result r = Cli.run("recording", "export", sealed.get(0).toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        int frames = 0;
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            assertThat(reader.width()).isEqualTo(Meeting.MIX_W);
            VideoFrame f;
            while ((f = reader.next()) != null) {
                f.close();
                frames++;
            }
            assertThat(reader.decodeErrors()).isZero();
        }
        java.util.regex.Matcher exported = java.util.regex.Pattern.compile("exported \\S+: (\\d+) frames").matcher(r.out());
        assertThat(exported.find()).as(r.out()).isTrue();
        assertThat(frames).as("every frame the export wrote decodes").isEqualTo(Integer.parseInt(exported.group(1)));
        // at least 5 s at 15 fps is 75 frames; an engine on a busy 2-core machine encodes fewer (late ticks are skipped)
        assertThat(frames).as("frames of a recording of at least 5 s").isGreaterThanOrEqualTo(30);
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 160, 120, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    private static String text(Browser b, String id) {
        Object t = b.js("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
        return t == null ? "" : (String) t;
    }

    private static boolean visible(Browser b, String id) {
        return Boolean.TRUE.equals(b.js("const e = document.getElementById(arguments[0]);"
                + " return !!e && !e.hidden && e.getClientRects().length > 0;", id));
    }
}
