package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.app.Cli;
import io.ams.sfu.auth.Role;
import io.ams.sfu.room.ChatLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Room text chat (issue 13 part 5) in headless Chromium, as the participants see it: Ada types "hello from A" and
 * presses Enter, Bob's chat panel shows it with her name; Bob sends markup with a script in it and Ada's panel
 * shows it as literal text (no element made, no script run); Carol joining later gets both from the room's
 * history; Carol flooding 30 messages at once is refused with chat_rate_limited beyond the burst and the others
 * get at most the burst; with the room recorded, what is said goes into the export's {@code .chat.vtt}.
 */
class ChatBrowserIT {
    static final String ROOM = "chat-it";
    static final String HELLO = "hello from A";
    static final String MARKUP = "<img src=x onerror=\"window.__pwned=1\">";

    @TempDir
    Path dir;

    @Test
    void participantsChatAsTextLateJoinersGetTheHistoryFloodsAreLimitedAndRecordingsKeepIt() throws Exception {
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

            ada.driver.findElement(By.id("chat-input")).sendKeys(HELLO + Keys.ENTER);
            assertThat(Meeting.await(10, () -> panel(bob).contains("Ada" + time(bob, 0) + HELLO)))
                    .as("Bob's chat panel: '" + panel(bob) + "'").isTrue();
            assertThat(Meeting.await(10, () -> panel(ada).contains("Ada (you)")))
                    .as("Ada sees her own message: '" + panel(ada) + "'").isTrue();
            assertThat(ada.js("return document.getElementById('chat-input').value;")).as("the box is cleared").isEqualTo("");
            assertThat(text(bob, "chat-unread")).as("Bob was not in the chat box: one unread").isEqualTo("1 new");

            bob.driver.findElement(By.id("chat-input")).sendKeys(MARKUP + Keys.ENTER);
            assertThat(Meeting.await(10, () -> panel(ada).contains("Bob" + time(ada, 1) + MARKUP)))
                    .as("Ada's panel shows the markup as text: '" + panel(ada) + "'").isTrue();
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(x.js("return document.querySelectorAll('#chat-messages img, #chat-messages *[onerror]').length;"))
                        .as(x.label + ": no element made of a message").isEqualTo(0L);
                assertThat(x.js("return typeof window.__pwned;")).as(x.label + ": no script of a message ran").isEqualTo("undefined");
            }
            assertThat(text(bob, "chat-unread")).as("the unread count went when Bob used the box").isEmpty();

            try (Browser carol = browser("carol", "1E1EE0")) {
                carol.open(sidecar.joinUrl("127.0.0.1", ROOM, "Carol"));
                assertThat(Meeting.await(40, () -> carol.field("participantId") != null)).isTrue();
                assertThat(Meeting.await(10, () -> chatTexts(carol).size() == 2)).as("Carol's history " + chatTexts(carol)).isTrue();
                assertThat(chatTexts(carol)).containsExactly(HELLO, MARKUP);
                assertThat(panel(carol)).contains(HELLO).contains(MARKUP);
                assertThat(carol.js("return typeof window.__pwned;")).isEqualTo("undefined");

                // a flood: 30 at once; beyond the burst each one is refused with chat_rate_limited
                carol.js("for (let i = 0; i < 30; i++) window.amsClient.sendChat('flood ' + i);");
                assertThat(Meeting.await(15, () -> flood(carol, carol) + rateLimited(carol) == 30))
                        .as("Carol hears back about all 30: " + flood(carol, carol) + " sent, " + rateLimited(carol) + " refused")
                        .isTrue();
                assertThat(flood(carol, carol)).as("accepted").isBetween(1L, (long) ChatLog.BURST);
                assertThat(Meeting.await(10, () -> flood(ada, carol) == flood(carol, carol))).isTrue();
                assertThat(flood(ada, carol)).as("Ada got at most the burst").isLessThanOrEqualTo(ChatLog.BURST);
                assertThat(flood(bob, carol)).as("Bob got at most the burst").isLessThanOrEqualTo(ChatLog.BURST);
                assertThat(text(carol, "errors")).contains("too many chat messages");
                assertThat(carol.state()).as("refusals do not end the session").isEqualTo("connected");
                String metrics = sidecar.metrics().scrape();
                assertThat(metrics).containsPattern("ams_sfu_chat_refused_total\\{reason=\"rate_limited\"} "
                        + rateLimited(carol) + "\\.0");
                assertThat(metrics).containsPattern("ams_sfu_chat_messages_total " + (2 + flood(carol, carol)) + "\\.0");
            }

            // the example chat bot answers commands, in everyone's chat
            bob.js("window.amsClient.sendChat('/who');");
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(10, () -> panel(x).contains("AMS bot") && panel(x).contains("2 in the room: Ada, Bob.")))
                        .as(x.label + " sees the bot's answer: '" + panel(x) + "'").isTrue();
            }

            // recorded: what is said goes into the recording, and the export writes it as subtitles
            assertThat(Meeting.await(20, () -> Boolean.TRUE.equals(ada.field("mixAvailable")))).as("the mix runs").isTrue();
            ada.js("window.amsClient.record(true);");
            assertThat(Meeting.await(15, () -> Boolean.TRUE.equals(bob.field("recording")))).as("recording").isTrue();
            Thread.sleep(1_000); // a second of picture before the line
            bob.js("window.amsClient.sendChat('said while recording');");
            assertThat(Meeting.await(10, () -> panel(ada).contains("said while recording"))).isTrue();
            Thread.sleep(3_000); // and some after it: more than one 2 s chunk sealed
            ada.js("window.amsClient.record(false);");
            assertThat(Meeting.await(15, () -> Boolean.FALSE.equals(bob.field("recording")))).as("stopped").isTrue();
        }
        List<Path> sealed;
        try (Stream<Path> files = Files.list(dir.resolve("recordings"))) {
            sealed = files.filter(f -> f.getFileName().toString().startsWith(ROOM + "-")).toList();
        }
        assertThat(sealed).hasSize(1);
        Path out = dir.resolve("meeting.webm");
        Cli.Result r = Cli.run("recording", "export", sealed.get(0).toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("chat: 1 line in " + dir.resolve("meeting.chat.vtt"));
        String vtt = Files.readString(dir.resolve("meeting.chat.vtt"));
        assertThat(vtt).startsWith("WEBVTT\n").contains("\nBob: said while recording\n").doesNotContain(HELLO);
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 160, 120, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    /** What the chat panel shows, as text. */
    private static String panel(Browser b) {
        return text(b, "chat-messages");
    }

    /** The time the panel shows for the page's {@code index}-th message ("" while it has none). */
    private static String time(Browser b, int index) {
        Object t = b.js("const e = document.querySelectorAll('#chat-messages time')[arguments[0]]; return e ? e.textContent : '';",
                index);
        return (String) t;
    }

    @SuppressWarnings("unchecked")
    private static List<String> chatTexts(Browser b) {
        return (List<String>) b.js("return window.amsClient ? window.amsClient.chat.map(c => c.text) : [];");
    }

    /** Flood messages from {@code sender} that {@code b} received. */
    private static long flood(Browser b, Browser sender) {
        return (Long) b.js("const me = arguments[0]; return window.amsClient.chat.filter(c => c.name === me"
                + " && c.text.startsWith('flood ')).length;", sender.label.substring(0, 1).toUpperCase() + sender.label.substring(1));
    }

    private static long rateLimited(Browser b) {
        return (Long) b.js("return window.amsClient.errors.filter(e => e.code === 'chat_rate_limited').length;");
    }

    private static String text(Browser b, String id) {
        Object t = b.js("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
        return t == null ? "" : (String) t;
    }
}
