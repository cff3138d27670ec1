package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;
import io.ams.sfu.auth.Role;
import io.ams.sfu.content.ContentService;
import io.ams.sfu.content.TestDocuments;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * Presenting a document in headless Chromium (issue 13 parts 1-2): Ada (host) uploads a 3-page PDF
 * (red, green, blue pages) through Share document; both pages list it once converted; she presents it and
 * Bob's page shows page 1 in red, and the mix every receiver decodes shows it as its first tile; Right arrow
 * flips both to green; Bob cannot take over; Stop presenting returns the stage to the speaker. Uploads
 * without the token or with bytes that are not what their name says are refused, names are shown as text,
 * and nothing under the store is plaintext.
 */
class DocumentsBrowserIT {
    static final String ROOM = "docs-it";

    @TempDir
    Path dir;

    @Test
    void aPresentedPdfIsSeenByEveryoneAndInTheMix() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        Path pdf = TestDocuments.colouredPdf(Files.createDirectories(dir.resolve("files")).resolve("<img src=x onerror=alert(1)>deck.pdf"));
        try (Meeting meeting = new Meeting(dir, 0);
             Browser ada = browser("ada", "E0E0E0");
             Browser bob = browser("bob", "E0C81E")) {
            var sidecar = meeting.server.sidecar();
            sidecar.serveDocuments(ContentService.Settings.defaults(dir.resolve("documents")));
            ada.open(sidecar.joinUrl("127.0.0.1", ROOM, "Ada", Role.HOST));
            bob.open(sidecar.joinUrl("127.0.0.1", ROOM, "Bob", Role.PARTICIPANT));
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state())))
                        .as(x.label + " connected; state " + x.state() + ", errors " + x.field("errors")).isTrue();
            }
            assertThat(Meeting.await(20, () -> Boolean.TRUE.equals(ada.field("mixAvailable")))).as("the mix runs").isTrue();
            assertThat(Meeting.await(10, () -> Boolean.FALSE.equals(ada.js("return document.getElementById('btn-doc').hidden;"))))
                    .as("Ada has a Share document button").isTrue();

            ada.driver.findElement(By.id("doc-file")).sendKeys(pdf.toString());
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(60, () -> text(x, "documents").contains("(3 pages)")))
                        .as(x.label + "'s documents: '" + text(x, "documents") + "', errors " + x.field("errors")).isTrue();
            }
            assertThat(text(bob, "documents")).as("the name as text").contains("onerror=alert(1)deck.pdf");
            assertThat(bob.js("return document.querySelectorAll('#documents b, #documents img').length;")).isEqualTo(0L);

            ada.js("document.querySelector('#documents button').click();");
            awaitPage(ada, TestDocuments.COLOURS[0], "page 1");
            awaitPage(bob, TestDocuments.COLOURS[0], "page 1");
            assertThat(text(bob, "content-caption")).contains("page 1 of 3").contains("presented by Ada");
            double[] tile = contentTileCentre(meeting);
            assertThat(Meeting.await(20, () -> near(bob.sample("mix", tile[0], tile[1]), TestDocuments.COLOURS[0], 40)))
                    .as("the mix's first tile is page 1: " + bob.sample("mix", tile[0], tile[1])).isTrue();

            ada.driver.findElement(By.tagName("body")).sendKeys(Keys.ARROW_RIGHT);
            awaitPage(bob, TestDocuments.COLOURS[1], "page 2 after Ada's Right arrow");
            awaitPage(ada, TestDocuments.COLOURS[1], "page 2 on Ada's own page");
            assertThat(Meeting.await(20, () -> near(bob.sample("mix", tile[0], tile[1]), TestDocuments.COLOURS[1], 40)))
                    .as("the mix follows to page 2: " + bob.sample("mix", tile[0], tile[1])).isTrue();

            String docId = (String) bob.js("return window.amsClient.documents.list[0].id;");
            bob.js("window.amsClient.documents.present(arguments[0], 3);", docId);
            assertThat(Meeting.await(10, () -> String.valueOf(bob.field("errors")).contains("is presenting")))
                    .as("Bob cannot take over: " + bob.field("errors")).isTrue();
            assertThat(text(ada, "content-pos")).isEqualTo("2 / 3");

            // uploads that are refused, from Bob's page
            assertThat(upload(bob, "report.pdf", "MZ\u0090 not a pdf", true)).startsWith("415 ").contains("type_mismatch");
            assertThat(upload(bob, "report.pdf", "%PDF-1.7", false)).startsWith("401 ").contains("token_missing");

            ada.js("document.getElementById('btn-stop-present').click();");
            for (Browser x : new Browser[] {ada, bob}) {
                assertThat(Meeting.await(10, () -> Boolean.TRUE.equals(x.js("return document.getElementById('content').hidden;"))))
                        .as(x.label + ": the stage is the speaker's again").isTrue();
            }
            assertThat(bob.js("return window.__pwned === undefined;")).isEqualTo(true);
        }
        try (Stream<Path> files = Files.walk(dir.resolve("documents"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as("sealed: " + f).doesNotContain("IHDR").doesNotContain("%PDF");
            }
        }
    }

    private void awaitPage(Browser b, Color c, String what) throws InterruptedException {
        assertThat(Meeting.await(20, () -> near(page(b), c, 12)))
                .as(b.label + " sees " + what + ": " + page(b) + ", errors " + b.field("errors")).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static List<Long> page(Browser b) {
        return (List<Long>) b.js("return window.amsClient.samplePage ? window.amsClient.samplePage(0.5, 0.4) : null;");
    }

    private static boolean near(List<Long> rgb, Color c, int tol) {
        return rgb != null && Math.abs(rgb.get(0) - c.getRed()) <= tol && Math.abs(rgb.get(1) - c.getGreen()) <= tol
                && Math.abs(rgb.get(2) - c.getBlue()) <= tol;
    }

    /** The content tile's centre (slightly above, clear of the page number) in the meeting's GRID mix, as fractions. */
    private static double[] contentTileCentre(Meeting meeting) {
        List<String> ids = new ArrayList<>();
        ids.add(Layouts.CONTENT_ID);
        ids.addAll(meeting.engineOrder(ROOM));
        for (Tile t : Layouts.compute(LayoutSpec.grid(), ids, Layouts.CONTENT_ID, Meeting.MIX_W, Meeting.MIX_H)) {
            if (t.participantId().equals(Layouts.CONTENT_ID)) {
                return new double[] {(t.rect().x() + t.rect().width() / 2.0) / Meeting.MIX_W,
                        (t.rect().y() + t.rect().height() * 0.4) / Meeting.MIX_H};
            }
        }
        throw new AssertionError("no content tile");
    }

    /** POSTs {@code body} as an upload from the page; "STATUS BODY". */
    private static String upload(Browser b, String name, String body, boolean withToken) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) b.driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const h = arguments[2] ? { Authorization: 'Bearer ' + window.amsClient.token } : {};"
                        + "fetch('/rooms/' + window.amsClient.room + '/documents?name=' + encodeURIComponent(arguments[0]),"
                        + " { method: 'POST', headers: h, body: arguments[1] })"
                        + ".then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('error ' + e));",
                name, body, withToken);
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
}
