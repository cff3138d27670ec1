package io.ams.app.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.app.Cli;
import io.ams.app.Cli.Result;
import io.ams.proto.v1.LockSfuRoomRequest;
import io.ams.proto.v1.MuteSfuParticipantRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Room access control from the command line and the ams.v1.Sfu API, against a real sidecar (no engine):
 * host tokens from {@code ams ctl token}, then lock, mute, remove and revoke, and the status of each
 * bad call.
 */
class SfuAccessCtlTest {
    static final String ROOM = "ops-access";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Sidecar sidecar;
    String target;
    final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed));
        target = "127.0.0.1:" + sidecar.grpcPort();
    }

    @AfterEach
    void stop() {
        sockets.forEach(WebSocket::abort);
        sidecar.close();
    }

    /** A signaling client: what it received, in order. */
    record Client(WebSocket ws, LinkedBlockingQueue<JsonNode> in) {
        JsonNode next(String type) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                JsonNode m = in.poll(200, TimeUnit.MILLISECONDS);
                if (m != null && m.path("type").asText().equals(type)) {
                    return m;
                }
            }
            throw new AssertionError("no '" + type + "' within 10 s");
        }
    }

    private Client join(String name, String token) throws Exception {
        LinkedBlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + sidecar.httpPort() + "/ws"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                in.add(JSON.readTree(partial.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        sockets.add(ws);
        ws.sendText(JSON.createObjectNode().put("type", "join").put("room", ROOM).put("name", name).put("token", token)
                .toString(), true).get(5, TimeUnit.SECONDS);
        return new Client(ws, in);
    }

    private Result sfu(String... args) {
        List<String> full = new ArrayList<>(List.of("ctl", "sfu", "--sfu", target));
        full.addAll(List.of(args));
        return Cli.run(full.toArray(String[]::new));
    }

    @Test
    void ctlTokenIssuesHostTokensAndPrintsTheirId() throws Exception {
        Result r = Cli.run("ctl", "token", "--room", ROOM, "--name", "Ada", "--role", "host", "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String token = r.out().strip();
        JoinTokens.Claims c = sidecar.tokens().verify(token, ROOM);
        assertThat(c.role()).isEqualTo(Role.HOST);
        assertThat(r.err()).startsWith("token id " + c.tokenId() + " (host of room " + ROOM)
                .contains("ams ctl sfu revoke " + c.tokenId());
        Result plain = Cli.run("ctl", "token", "--room", ROOM, "--name", "Bob", "--data-dir", dir.toString());
        assertThat(sidecar.tokens().verify(plain.out().strip(), ROOM).role()).isEqualTo(Role.PARTICIPANT);
        Result bad = Cli.run("ctl", "token", "--room", ROOM, "--name", "Bob", "--role", "admin", "--data-dir", dir.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--role role 'admin' is not host or participant");
    }

    @Test
    void theOperatorLocksMutesRemovesAndRevokes() throws Exception {
        Client ada = join("Ada", sidecar.tokens().issue(ROOM, "Ada", Duration.ofMinutes(5), Role.HOST).token());
        ada.next("joined");
        JoinTokens.Issued bobToken = sidecar.tokens().issue(ROOM, "Bob", Duration.ofMinutes(5), Role.PARTICIPANT);
        Client bob = join("Bob", bobToken.token());
        bob.next("joined");

        Result get = sfu("get", ROOM);
        assertThat(get.out()).contains("access: open to anyone with a valid link");
        assertThat(get.out().lines().filter(l -> l.startsWith("p")).map(l -> l.split("\\s+")[2]).toList())
                .containsExactly("host", "participant");

        Result lock = sfu("lock", ROOM);
        assertThat(lock.exit()).as(lock.err()).isZero();
        assertThat(lock.out()).isEqualTo("room " + ROOM + ": locked by the operator (nobody new can join)\n");
        assertThat(bob.next("room-locked").path("by").asText()).isEqualTo("the operator");
        Client carol = join("Carol", sidecar.tokens().issue(ROOM, "Carol", Duration.ofMinutes(5)));
        assertThat(carol.next("error").path("code").asText()).isEqualTo("room_locked");
        assertThat(sfu("list").out()).contains("locked").contains("access: 1 join(s) refused (1 by a locked room");
        assertThat(sfu("lock", ROOM, "--unlock").out()).isEqualTo("room " + ROOM + ": unlocked\n");

        Result mute = sfu("mute", ROOM, "p2");
        assertThat(mute.exit()).as(mute.err()).isZero();
        assertThat(bob.next("mute-requested").path("by").asText()).isEqualTo("the operator");

        Result remove = sfu("remove", ROOM, "p2");
        assertThat(remove.exit()).as(remove.err()).isZero();
        assertThat(remove.out()).isEqualTo("removed p2 from room " + ROOM + "; token " + bobToken.id() + " revoked\n");
        assertThat(bob.next("error").path("code").asText()).isEqualTo("removed");
        Client again = join("Bob", bobToken.token());
        assertThat(again.next("error").path("code").asText()).isEqualTo("token_revoked");

        // bad calls: a clear status each, and the room goes on
        assertThat(sfu("remove", ROOM, "p9").err()).isEqualTo("error: NOT_FOUND: participant 'p9' is not in room '" + ROOM
                + "' (it may have left)\n");
        assertThat(sfu("lock", "nobody-here").err()).startsWith("error: NOT_FOUND: room 'nobody-here' is not open");
        assertThat(sfu("lock", "../etc").err()).startsWith("error: INVALID_ARGUMENT: room id '../etc' is not valid");
        assertThat(sfu("mute", ROOM, "p 1").err()).startsWith("error: INVALID_ARGUMENT: 'ask to mute' needs a participant id");
        assertThat(sfu("revoke", "not an id").err()).startsWith("error: INVALID_ARGUMENT: token id 'not an id'");
        Result anyRemoved = sfu("remove", ROOM, "p9");
        assertThat(anyRemoved.exit()).isEqualTo(1);
        assertThat(sidecar.rooms().get(ROOM).size()).isEqualTo(1);

        // revoking the host's token by id ends its session
        String adaId = sidecar.access().seat(ROOM, "p1").tokenId();
        Result revoke = sfu("revoke", adaId, "--reason", "link leaked");
        assertThat(revoke.exit()).as(revoke.err()).isZero();
        assertThat(revoke.out()).isEqualTo("token " + adaId + " revoked; ended " + ROOM + "/p1\n");
        JsonNode end = ada.next("error");
        assertThat(end.path("code").asText()).isEqualTo("token_revoked");
        assertThat(end.path("message").asText()).contains("link leaked");
    }

    @Test
    void aHostTokenGivenToTheApiActsAsThatHostAndOthersAreRefused() throws Exception {
        String adaHost = sidecar.tokens().issue(ROOM, "Ada", Duration.ofMinutes(5), Role.HOST).token();
        String bobToken = sidecar.tokens().issue(ROOM, "Bob", Duration.ofMinutes(5));
        join("Ada", adaHost).next("joined");
        Client bob = join("Bob", bobToken);
        bob.next("joined");
        ManagedChannel ch = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            SfuGrpc.SfuBlockingStub sfu = SfuGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThat(sfu.lockRoom(LockSfuRoomRequest.newBuilder().setRoomId(ROOM).setLocked(true).setHostToken(adaHost).build())
                    .getLockedBy()).isEqualTo("Ada");
            assertThatThrownBy(() -> sfu.muteParticipant(MuteSfuParticipantRequest.newBuilder().setRoomId(ROOM)
                    .setParticipantId("p1").setHostToken(bobToken).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("only a host can ask a participant to mute");
                    });
            assertThatThrownBy(() -> sfu.lockRoom(LockSfuRoomRequest.newBuilder().setRoomId(ROOM).setHostToken("forged").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).startsWith("host_token refused: the token is not a signed JWT");
                    });
            assertThat(sidecar.access().locked(ROOM)).as("the refused unlock changed nothing").isTrue();
        } finally {
            ch.shutdownNow();
        }
    }
}
