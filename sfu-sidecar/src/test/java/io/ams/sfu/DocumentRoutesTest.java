package io.ams.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.content.ContentService;
import io.ams.sfu.content.DocumentInfo;
import io.ams.sfu.content.TestDocuments;
import io.ams.sfu.signal.SignalingHandler;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents' HTTP side on a real server: a token for the room is needed to upload and to read pages, an
 * upload larger than the limit is cut off as it arrives (whatever its Content-Length says) and leaves nothing
 * behind, bad bytes are refused in words, and a page reads back as the PNG that was converted.
 */
class DocumentRoutesTest {
    @TempDir
    Path dir;
    private SignalingServer server;
    private ContentService content;
    private final JoinTokens tokens = new JoinTokens(new byte[32]);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        ContentService.Settings d = ContentService.Settings.defaults(dir.resolve("docs"));
        content = new ContentService(new ContentService.Settings(d.dir(), 64 * 1024, d.maxDocuments(), false,
                d.timeoutMillis(), d.heapMb(), d.maxPages(), 1));
        server = SignalingServer.start(new SignalingHandler() {
            @Override
            public void onOpen(SignalingSession s) {
            }

            @Override
            public void onMessage(SignalingSession s, String type, JsonNode message) {
            }

            @Override
            public void onClose(SignalingSession s, String reason) {
            }
        }, "127.0.0.1", 0, null, null);
        server.routes(new DocumentRoutes(content, tokens, room -> room.equals("r1")), dir.resolve("uploads"));
    }

    @AfterEach
    void stop() {
        server.close();
        content.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> post(String room, String name, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/rooms/" + room + "/documents?name=" + name))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenOfTheRoomUploadsAndReadsPages() throws Exception {
        byte[] pdf = Files.readAllBytes(TestDocuments.colouredPdf(dir.resolve("deck.pdf")));
        String ada = tokens.issue("r1", "Ada", Duration.ofMinutes(5));
        String other = tokens.issue("r2", "Eve", Duration.ofMinutes(5));

        assertThat(post("r1", "deck.pdf", pdf, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrongRoom = post("r1", "deck.pdf", pdf, other);
        assertThat(wrongRoom.statusCode()).isEqualTo(403);
        assertThat(post("r2", "deck.pdf", pdf, other).statusCode()).as("a room not open here").isEqualTo(404);
        HttpResponse<String> mismatch = post("r1", "deck.pdf", "GIF89a...".getBytes(StandardCharsets.US_ASCII), ada);
        assertThat(mismatch.statusCode()).isEqualTo(415);
        assertThat(mismatch.body()).contains("\"code\":\"type_mismatch\"");

        HttpResponse<String> ok = post("r1", "deck.pdf", pdf, ada);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        String id = SignalingServer.json().readTree(ok.body()).path("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!content.documents("r1").get(0).state().equals(DocumentInfo.READY) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(content.documents("r1").get(0).state()).isEqualTo(DocumentInfo.READY);

        HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(uri("/rooms/r1/documents/" + id + "/pages/2"))
                .header("Authorization", "Bearer " + ada).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(new String(page.body(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        assertThat(http.send(HttpRequest.newBuilder(uri("/rooms/r1/documents/" + id + "/pages/2"))
                .header("Authorization", "Bearer " + other).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("another room's token reads nothing").isEqualTo(403);
        assertThat(http.send(HttpRequest.newBuilder(uri("/rooms/r1/documents/" + id + "/pages/9"))
                .header("Authorization", "Bearer " + ada).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void anUploadOverTheLimitIsCutOffAsItArrives() throws Exception {
        String ada = tokens.issue("r1", "Ada", Duration.ofMinutes(5));
        // declared too large: refused before the body
        HttpResponse<String> declared = post("r1", "big.pdf", new byte[200 * 1024], ada);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("too_large");
        // chunked, no length given: refused at the first byte too many, the connection closed
        HttpURLConnection c = (HttpURLConnection) uri("/rooms/r1/documents?name=big.pdf").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setChunkedStreamingMode(8192);
        c.setRequestProperty("Authorization", "Bearer " + ada);
        byte[] chunk = new byte[8192];
        chunk[0] = '%';
        int sent = 0;
        try (OutputStream out = c.getOutputStream()) {
            for (int i = 0; i < 64; i++) { // 512 kB offered, 64 kB allowed
                out.write(chunk);
                sent += chunk.length;
            }
        } catch (java.io.IOException e) {
            // the server closed the connection mid-body: what a cut-off looks like to the sender
        }
        int status = c.getResponseCode();
        assertThat(status).isEqualTo(413);
        try (InputStream err = c.getErrorStream()) {
            assertThat(new String(err.readAllBytes(), StandardCharsets.UTF_8)).contains("too_large");
        }
        assertThat(sent).isPositive();
        assertThat(content.counters()[3]).as("refused uploads counted").isGreaterThanOrEqualTo(2);
        try (Stream<Path> left = Files.list(dir.resolve("uploads"))) {
            assertThat(left.toList()).as("no partial upload left behind").isEmpty();
        }
        assertThat(content.documents("r1")).isEmpty();
    }
}
