package io.ams.sfu.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.auth.Role;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host controls over the real signaling WebSocket of a sidecar (no engine behind it): the messages a host
 * sends, what the others receive, and what a participant that is not a host gets for trying.
 */
class RoomAccessSignalingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ROOM = "access-room";
    @TempDir
    Path dir;
    Sidecar sidecar;
    final HttpClient http = HttpClient.newHttpClient();
    final List<Client> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed));
    }

    @AfterEach
    void stop() {
        clients.forEach(c -> c.ws.abort());
        sidecar.close();
    }

    final class Client implements WebSocket.Listener {
        final BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        volatile boolean closed;
        WebSocket ws;
        String token;
        String id;

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

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed = true;
            return null;
        }

        void send(String json) {
            ws.sendText(json, true).join();
        }

        /** The next message of {@code type}, skipping others (offers, participants, ...). */
        JsonNode next(String type) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                JsonNode m = in.poll(200, TimeUnit.MILLISECONDS);
                if (m != null && type.equals(m.path("type").asText())) {
                    return m;
                }
            }
            throw new AssertionError("no '" + type + "' message within 10 s");
        }

        /** Sends {@code json}, expects error {@code code} and proves the connection still works (ping, pong). */
        JsonNode refused(String json, String code) throws InterruptedException {
            send(json);
            JsonNode e = next("error");
            assertThat(e.path("code").asText()).as(e.toString()).isEqualTo(code);
            send("{\"type\":\"ping\"}");
            next("pong");
            return e;
        }
    }

    Client connect() throws Exception {
        Client c = new Client();
        c.ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + sidecar.httpPort() + "/ws"), c)
                .get(10, TimeUnit.SECONDS);
        clients.add(c);
        return c;
    }

    Client join(String name, Role role) throws Exception {
        Client c = connect();
        c.token = sidecar.tokens().issue(ROOM, name, Duration.ofMinutes(5), role).token();
        c.send(joinMessage(name, c.token));
        JsonNode joined = c.next("joined");
        assertThat(joined.path("role").asText()).isEqualTo(role.claim());
        c.id = joined.path("participantId").asText();
        return c;
    }

    static String joinMessage(String name, String token) {
        return JSON.createObjectNode().put("type", "join").put("room", ROOM).put("name", name).put("token", token).toString();
    }

    @Test
    void aHostLocksAsksToMuteAndRemovesAndTheRemovedCannotRejoin() throws Exception {
        Client ada = join("Ada", Role.HOST);
        Client bob = join("Bob", Role.PARTICIPANT);
        JsonNode list = bob.next("participants");
        assertThat(list.path("list").findValuesAsText("role")).containsExactly("host", "participant");

        // a participant's host actions: refused in words, nothing changes, the connection stays
        assertThat(bob.refused("{\"type\":\"lock-room\",\"locked\":true}", "not_host").path("message").asText())
                .isEqualTo("only a host can lock the room; Bob joined as a participant");
        bob.refused("{\"type\":\"remove-participant\",\"participantId\":\"" + ada.id + "\"}", "not_host");
        assertThat(sidecar.access().locked(ROOM)).isFalse();
        assertThat(sidecar.rooms().get(ROOM).size()).isEqualTo(2);
        // a host's bad input
        ada.refused("{\"type\":\"remove-participant\",\"participantId\":\"p99\"}", "participant_unknown");
        ada.refused("{\"type\":\"request-mute\"}", "bad_message");
        ada.refused("{\"type\":\"lock-room\",\"locked\":\"yes\"}", "bad_message");

        ada.send("{\"type\":\"lock-room\",\"locked\":true}");
        JsonNode locked = bob.next("room-locked");
        assertThat(locked.path("locked").asBoolean()).isTrue();
        assertThat(locked.path("by").asText()).isEqualTo("Ada");
        long refusedBefore = sidecar.access().stats().joinsRefused();
        Client carol = connect();
        carol.send(joinMessage("Carol", sidecar.tokens().issue(ROOM, "Carol", Duration.ofMinutes(5))));
        JsonNode e = carol.next("error");
        assertThat(e.path("code").asText()).isEqualTo("room_locked");
        assertThat(e.path("message").asText()).contains("locked by Ada");
        assertThat(waitUntil(() -> carol.closed)).isTrue();
        assertThat(sidecar.access().stats().joinsRefused()).isEqualTo(refusedBefore + 1);
        assertThat(sidecar.access().stats().joinsRefusedLocked()).isEqualTo(1);

        ada.send("{\"type\":\"request-mute\",\"participantId\":\"" + bob.id + "\"}");
        assertThat(bob.next("mute-requested").path("by").asText()).isEqualTo("Ada");

        ada.send("{\"type\":\"remove-participant\",\"participantId\":\"" + bob.id + "\"}");
        JsonNode removed = bob.next("error");
        assertThat(removed.path("code").asText()).isEqualTo("removed");
        assertThat(removed.path("message").asText()).startsWith("You were removed from the meeting by Ada");
        assertThat(bob.next("bye").path("reason").asText()).isEqualTo("removed");
        assertThat(waitUntil(() -> bob.closed)).isTrue();
        assertThat(sidecar.rooms().get(ROOM).size()).isEqualTo(1);
        assertThat(ada.next("participants").path("list").findValuesAsText("name")).containsExactly("Ada");

        // the same link again, even after the host unlocked the room
        ada.send("{\"type\":\"lock-room\",\"locked\":false}");
        ada.next("room-locked");
        Client again = connect();
        again.send(joinMessage("Bob", bob.token));
        JsonNode refused = again.next("error");
        assertThat(refused.path("code").asText()).isEqualTo("token_revoked");
        assertThat(refused.path("message").asText()).contains("removed from room 'access-room' by Ada");
        assertThat(waitUntil(() -> again.closed)).isTrue();
        // kept next to the token key, so a restarted sidecar refuses it too
        assertThat(Files.readString(Sidecar.revokedTokensFile(sidecar.config()))).contains("removed from room 'access-room' by Ada");
        assertThat(sidecar.access().stats().participantsRemoved()).isEqualTo(1);
        assertThat(sidecar.access().stats().hostActionsRefused()).isEqualTo(2);
    }

    static boolean waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
