package io.ams.sfu.ice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over the real signaling WebSocket of a sidecar (no engine): {@code joined} carries the ICE servers. */
class JoinedIceServersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "joined-test-secret";
    @TempDir
    Path dir;
    Sidecar sidecar;
    WebSocket ws;

    @AfterEach
    void stop() {
        if (ws != null) {
            ws.abort();
        }
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void joinedCarriesStunAndTurnWithCredentialsForThatParticipant() throws Exception {
        IceServers servers = new IceServers(List.of(TurnUri.parse("stun:127.0.0.1:3478"),
                TurnUri.parse("turn:127.0.0.1:3478?transport=udp"), TurnUri.parse("turn:127.0.0.1:3478?transport=tcp")),
                TurnSecret.of(SECRET), Duration.ofHours(2));
        JsonNode joined = join(servers, "Ada");
        String id = joined.path("participantId").asText();
        JsonNode list = joined.path("iceServers");
        assertThat(list.size()).as(joined.toString()).isEqualTo(2);
        assertThat(list.get(0).path("urls").toString()).isEqualTo("[\"stun:127.0.0.1:3478\"]");
        JsonNode turn = list.get(1);
        assertThat(turn.path("urls").toString())
                .isEqualTo("[\"turn:127.0.0.1:3478?transport=udp\",\"turn:127.0.0.1:3478?transport=tcp\"]");
        String username = turn.path("username").asText();
        assertThat(username).isEqualTo(username.split(":")[0] + ":" + id);
        long expiry = Long.parseLong(username.split(":")[0]);
        long expected = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();
        assertThat(expiry).isBetween(expected - 30, expected + 1);
        // what coturn computes for use-auth-secret, done here with the JDK alone
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertThat(turn.path("credential").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void withoutIceServersJoinedCarriesAnEmptyList() throws Exception {
        JsonNode joined = join(IceServers.none(), "Bob");
        assertThat(joined.path("iceServers").isArray()).as(joined.toString()).isTrue();
        assertThat(joined.path("iceServers").size()).isZero();
    }

    private JsonNode join(IceServers servers, String name) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed).withIce(servers, -1));
        BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + sidecar.httpPort() + "/ws"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                in.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                in.add(JSON.createObjectNode().put("type", "unparseable"));
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        String token = sidecar.tokens().issue("ice-room", name, Duration.ofMinutes(5));
        ws.sendText(JSON.createObjectNode().put("type", "join").put("room", "ice-room").put("name", name)
                .put("token", token).toString(), true).join();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            JsonNode m = in.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && m.path("type").asText().equals("joined")) {
                return m;
            }
        }
        throw new AssertionError("no 'joined' within 10 s");
    }
}
