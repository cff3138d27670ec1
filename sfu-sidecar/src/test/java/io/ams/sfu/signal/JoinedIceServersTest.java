package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over the real signaling WebSocket of a sidecar (no engine): {@code joined} carries the ICE servers. */
class JoinedIceServersTest {
    static final String SECRET = "joined-test-secret";
    @TempDir
    Path dir;
    Sidecar sidecar;
    WsClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.ws.abort();
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
        client = WsClient.open(sidecar.httpPort());
        String token = sidecar.tokens().issue("ice-room", name, Duration.ofMinutes(5));
        client.send(WsClient.JSON.createObjectNode().put("type", "join").put("room", "ice-room").put("name", name)
                .put("token", token).toString());
        return client.next("joined");
    }
}
