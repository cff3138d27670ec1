package io.ams.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ams.sfu.access.AccessControl;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.TokenRevocations;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.BadMessageException;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target (Jazzer): one client text frame through what the sidecar does with it before a room
 * is involved - {@link SignalingServer#parseClientMessage} and {@link SignalingController#onMessage}
 * for a client that has not joined (join: field checks and token verification; everything else:
 * "send join first"). The contract: a message, a {@link BadMessageException}, or a join refused in
 * words (error + close); never another exception. The registry holds no room (maximum 0), so a join
 * with a valid token stops at room_full before any transport exists. Regression inputs: {@code
 * src/test/resources/io/ams/sfu/SignalingFuzzTestInputs/clientMessage/}.
 */
class SignalingFuzzTest {
    /** The key and time of the tokens in the seed corpus ({@code JoinTokensFuzzTest} issues the same). */
    static final byte[] KEY = "ams-fuzz-seed-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final SignalingController controller = new SignalingController(new RoomRegistry(0),
            new JoinTokens(KEY, Clock.fixed(NOW, ZoneOffset.UTC)),
            new AccessControl(TokenRevocations.inMemory(Clock.fixed(NOW, ZoneOffset.UTC))));

    @FuzzTest(maxDuration = "30s")
    void clientMessage(byte[] data) {
        JsonNode msg;
        try {
            msg = SignalingServer.parseClientMessage(new String(data, StandardCharsets.UTF_8));
        } catch (BadMessageException e) {
            assertThat(e.code()).isEqualTo("bad_message");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        String type = msg.get("type").asText();
        assertThat(SignalingServer.CLIENT_TYPES).contains(type);
        FakeSession s = new FakeSession();
        try {
            controller.onMessage(s, type, msg);
        } catch (BadMessageException e) {
            assertThat(e.code()).isNotBlank();
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(s.attachment()).as("no room can be joined").isNull();
        if (type.equals("join")) {
            assertThat(s.sent).extracting(m -> m.path("type").asText()).containsExactly("error");
            assertThat(s.closed).isNotNull();
        }
    }

    static final class FakeSession implements SignalingSession {
        final List<ObjectNode> sent = new ArrayList<>();
        String closed;
        Object attachment;

        @Override
        public String id() {
            return "fuzz";
        }

        @Override
        public SocketAddress remoteAddress() {
            return InetSocketAddress.createUnresolved("fuzz", 1);
        }

        @Override
        public void send(ObjectNode message) {
            assertThat(message.path("type").isTextual()).isTrue();
            sent.add(message);
        }

        @Override
        public void close(String reason) {
            closed = reason;
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object o) {
            attachment = o;
        }
    }
}
