package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's HTTP and signaling surface against bad and hostile input, through a real WebSocket
 * client. No engine runs (its address is closed): signaling and the relay must not care.
 */
class SignalingBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Sidecar sidecar;
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    String join(String room, String name) {
        return JSON.createObjectNode().put("type", "join").put("room", room).put("name", name)
                .put("token", sidecar.tokens().issue(room, name, Duration.ofMinutes(5))).toString();
    }

    @Test
    void servesTheClientAndRefusesTraversal() throws Exception {
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(index.body()).contains("main-video").contains("mix-video");
        assertThat(index.headers().firstValue("content-security-policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(index.headers().firstValue("referrer-policy")).hasValue("no-referrer");
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/js/ams-client.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(js.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        for (String bad : List.of("/../pom.xml", "/%2e%2e/%2e%2e/etc/passwd", "/js/../../io/ams/sfu/Sidecar.class", "/nope.html")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + bad)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(bad).isEqualTo(404);
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
    }

    @Test
    void garbageGetsBadMessageAndTheConnectionStays() throws Exception {
        WsClient c = WsClient.open(sidecar.httpPort());
        long before = sidecar.signaling().stats().badMessages.get();
        c.send("this is not json");
        assertThat(c.next("error").path("code").asText()).isEqualTo("bad_message");
        c.send("[1,2,3]");
        assertThat(c.next("error").path("message").asText()).contains("\"type\"");
        c.send("{\"type\":\"launch-missiles\"}");
        assertThat(c.next("error").path("message").asText()).contains("unknown message type");
        c.send("{\"type\":\"answer\",\"sdp\":\"v=0\"}");
        assertThat(c.next("error").path("message").asText()).contains("join first");
        c.send("{\"type\":\"join\",\"room\":42}");
        assertThat(c.next("error").path("message").asText()).contains("room");
        assertThat(sidecar.signaling().stats().badMessages.get()).isGreaterThanOrEqualTo(before + 5);
        // still usable: a proper join works on the same connection
        c.send(join("bad-input", "Ada"));
        assertThat(c.next("joined").path("participantId").asText()).isNotEmpty();
        JsonNode offer = c.next("offer");
        assertThat(offer.path("sdp").asText()).startsWith("v=0");
        c.send("{\"type\":\"answer\",\"sdp\":\"not an sdp at all\"}");
        assertThat(c.next("error").path("message").asText()).contains("SDP");
        c.send("{\"type\":\"candidate\",\"candidate\":\"candidate:garbage\"}");
        assertThat(c.next("error").path("code").asText()).isEqualTo("bad_message");
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(waitUntil(() -> sidecar.rooms().get("bad-input") == null)).as("room closed after its last participant").isTrue();
    }

    @Test
    void forgedExpiredAndWrongRoomTokensAreRefusedInWords() throws Exception {
        WsClient c = WsClient.open(sidecar.httpPort());
        c.send("{\"type\":\"join\",\"room\":\"r1\",\"name\":\"x\",\"token\":\"eyJhbGciOiJub25lIn0.e30.\"}");
        JsonNode e = c.next("error");
        assertThat(e.path("code").asText()).isEqualTo("token_invalid");
        assertThat(waitUntil(() -> c.closed)).isTrue();

        WsClient d = WsClient.open(sidecar.httpPort());
        String other = JSON.createObjectNode().put("type", "join").put("room", "r2").put("name", "x")
                .put("token", sidecar.tokens().issue("r1", "x", Duration.ofMinutes(1))).toString();
        d.send(other);
        assertThat(d.next("error").path("message").asText()).contains("'r1'");

        WsClient f = WsClient.open(sidecar.httpPort());
        f.send(JSON.createObjectNode().put("type", "join").put("room", "r1").put("name", "x")
                .put("token", sidecar.tokens().issue("r1", "x", Duration.ofSeconds(-120))).toString());
        assertThat(f.next("error").path("code").asText()).isEqualTo("token_expired");
        assertThat(sidecar.rooms().get("r1")).isNull();
    }

    @Test
    void floodingOneConnectionIsRateLimited() throws Exception {
        WsClient c = WsClient.open(sidecar.httpPort());
        // One send at a time: java.net.http.WebSocket fails a send issued while another is outstanding,
        // so firing them without waiting delivered only a few (and the limit was sometimes never hit).
        int sent = 0;
        for (int i = 0; i < 200 && !c.closed; i++) {
            try {
                c.ws.sendText("{\"type\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
                sent++;
            } catch (java.util.concurrent.ExecutionException closedByServer) {
                break;
            }
        }
        assertThat(sent).as("messages sent before the server cut the connection").isGreaterThan(SignalingServer.MAX_MESSAGES_PER_SECOND);
        assertThat(c.next("error").path("code").asText()).isEqualTo("rate_limited");
        assertThat(waitUntil(() -> c.closed)).isTrue();
    }

    @Test
    void hundredJoinsWithinASecondAreAllAnswered() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            clients.add(WsClient.open(sidecar.httpPort()));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            clients.get(i).ws.sendText(join("crowd", "p" + i), true);
        }
        long sent = System.nanoTime() - t0;
        int joined = 0;
        int full = 0;
        for (WsClient c : clients) {
            JsonNode m = c.next(null);
            while (!m.path("type").asText().equals("joined") && !m.path("type").asText().equals("error")) {
                m = c.next(null);
            }
            if (m.path("type").asText().equals("joined")) {
                joined++;
            } else {
                assertThat(m.path("code").asText()).isEqualTo("room_full");
                assertThat(m.path("message").asText()).contains("full");
                full++;
            }
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(sent)).as("the joins were sent within a second").isLessThan(1000);
        assertThat(joined).isEqualTo(50);
        assertThat(full).isEqualTo(50);
        for (WsClient c : clients) {
            c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        assertThat(waitUntil(() -> sidecar.rooms().get("crowd") == null)).as("everyone left, the room closed").isTrue();
        // the server still serves a newcomer
        WsClient late = WsClient.open(sidecar.httpPort());
        late.send(join("after-crowd", "Late"));
        assertThat(late.next("joined")).isNotNull();
        late.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    static boolean waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
