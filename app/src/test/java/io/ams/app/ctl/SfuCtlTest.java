package io.ams.app.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.ams.app.Cli;
import io.ams.app.Cli.Result;
import io.ams.proto.v1.ListSfuRoomsResponse;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
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
 * {@code ams ctl sfu} against a real sidecar (no engine behind it): two people join a room over
 * the signaling WebSocket, then the operator lists, inspects and overrides its main speaker.
 */
class SfuCtlTest {
    static final String ROOM = "ops-room";

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
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        sidecar.close();
    }

    /** Joins over the signaling WebSocket and waits for "joined". */
    private void join(String name) throws Exception {
        LinkedBlockingQueue<String> in = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + sidecar.httpPort() + "/ws"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            in.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        sockets.add(ws);
        String token = sidecar.tokens().issue(ROOM, name, Duration.ofMinutes(5));
        ws.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"name\":\"" + name + "\",\"token\":\"" + token + "\"}", true)
                .get(5, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            String m = in.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && m.contains("\"joined\"")) {
                return;
            }
        }
        throw new AssertionError(name + " was not admitted within 10 s");
    }

    private Result sfu(String... args) {
        List<String> full = new ArrayList<>(List.of("ctl", "sfu", "--sfu", target));
        full.addAll(List.of(args));
        return Cli.run(full.toArray(String[]::new));
    }

    @Test
    void drainKeepsTheMeetingRefusesNewRoomsAndTurnsReadinessOff() throws Exception {
        join("Ada");
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/healthz");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(health).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Result r = sfu("drain");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 meeting(s) go on");
        var h = http.send(java.net.http.HttpRequest.newBuilder(health).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(h.statusCode()).isEqualTo(503);
        assertThat(h.body()).contains("draining");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/livez"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        join("Grace"); // the room that runs here still admits people
        assertThat(sidecar.rooms().get(ROOM).peerCount()).isEqualTo(2);
        // a new room is refused in words (no cluster to send it to)
        LinkedBlockingQueue<String> in = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + sidecar.httpPort() + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        in.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        sockets.add(ws);
        ws.sendText("{\"type\":\"join\",\"room\":\"another\",\"token\":\""
                + sidecar.tokens().issue("another", "Linus", Duration.ofMinutes(5)) + "\"}", true).get(5, TimeUnit.SECONDS);
        String m = in.poll(10, TimeUnit.SECONDS);
        assertThat(m).contains("server_draining").contains("shutting down");
        assertThat(sidecar.rooms().get("another")).isNull();
    }

    @Test
    void listGetAndOverrideTheMainSpeaker() throws Exception {
        Result empty = sfu("list");
        assertThat(empty.exit()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("engine: not connected").contains("no rooms");

        join("Ada");
        join("Grace");
        Result list = sfu("list");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(1).split("\\s+")).startsWith("ID", "PARTICIPANTS", "MAIN-SPEAKER");
        assertThat(lines.get(2).split("\\s+")).startsWith(ROOM, "2");

        Result get = sfu("get", ROOM);
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).startsWith("room " + ROOM + ": 2 participant(s)").contains("mix: unavailable");
        List<String> rows = get.out().lines().filter(l -> l.startsWith("p")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).split("\\s+")).startsWith("p1", "Ada");
        assertThat(rows.get(1).split("\\s+")).startsWith("p2", "Grace");
        assertThat(get.out()).contains("audio: forwarded (threshold 6 participants)");
        assertThat(get.out().lines().filter(l -> l.contains("HEARS")).count()).as("a HEARS column: " + get.out()).isEqualTo(1);
        assertThat(rows).allMatch(r -> r.contains(" forwarded "), "each participant hears forwarded audio (2 of 6)");
        assertThat(get.out()).contains("1:1 peer to peer: SERVER");
        assertThat(get.out().lines().filter(l -> l.contains(" MEDIA ")).count()).as("a MEDIA column: " + get.out()).isEqualTo(1);
        assertThat(rows).allMatch(r -> r.split("\\s+")[3].equals("server"), "both relayed by the server (no engine, P2P off)");
        assertThat(get.out()).contains("connection quality (uplink: what the server receives from them");
        assertThat(get.out()).contains("downlink bandwidth (send-side estimate");
        assertThat(get.out().lines().filter(l -> l.matches("\\s+p[12]\\s+(-|\\d+ kbps)\\s+\\S+\\s+\\d+ kbps.*")).count())
                .as("a downlink row per participant: " + get.out()).isEqualTo(2);

        Result set = sfu("speaker", ROOM, "p2");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("main speaker of room " + ROOM + ": p2 (set by operator)\n");
        assertThat(sidecar.rooms().get(ROOM).snapshot().pinnedSpeaker()).isEqualTo("p2");
        assertThat(sidecar.rooms().get(ROOM).snapshot().mainSpeaker()).isEqualTo("p2");

        Result auto = sfu("speaker", ROOM);
        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.out()).startsWith("main speaker of room " + ROOM + ": chosen by voice activity");
        assertThat(sidecar.rooms().get(ROOM).snapshot().pinnedSpeaker()).isNull();

        Result json = Cli.run("ctl", "--json", "sfu", "list", "--sfu", target);
        assertThat(json.exit()).as(json.err()).isZero();
        ListSfuRoomsResponse.Builder parsed = ListSfuRoomsResponse.newBuilder();
        JsonFormat.parser().merge(json.out().strip(), parsed);
        assertThat(parsed.getRoomsList()).singleElement().satisfies(r -> {
            assertThat(r.getId()).isEqualTo(ROOM);
            assertThat(r.getParticipantsList()).extracting(p -> p.getDisplayName()).containsExactly("Ada", "Grace");
        });
    }

    @Test
    void theControlApiStaysOnLoopbackWhenTheWebServerListensEverywhere() throws Exception {
        java.net.InetAddress lan = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(lan != null, "this machine has no non-loopback IPv4 address");
        try (Sidecar open = Sidecar.start(SidecarConfig.defaults(dir.resolve("open")).withPorts(0, 0, 0).withHttpHost("0.0.0.0")
                .withEngine(target))) {
            try (java.net.Socket web = new java.net.Socket(lan, open.httpPort())) {
                assertThat(web.isConnected()).as("the web client is reachable on " + lan).isTrue();
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket(lan, open.grpcPort()).close())
                    .as("the unauthenticated control API is not reachable on " + lan).isInstanceOf(java.net.ConnectException.class);
            Result local = Cli.run("ctl", "sfu", "list", "--sfu", "127.0.0.1:" + open.grpcPort());
            assertThat(local.exit()).as(local.err()).isZero();
        }
    }

    @Test
    void errorsNameTheProblem() throws Exception {
        Result unknown = sfu("get", "no-such-room");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: NOT_FOUND").contains("no-such-room");

        join("Ada");
        Result stranger = sfu("speaker", ROOM, "p9");
        assertThat(stranger.exit()).isEqualTo(1);
        assertThat(stranger.err()).startsWith("error: ").contains("p9");
        assertThat(sidecar.rooms().get(ROOM).snapshot().pinnedSpeaker()).isNull();

        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort();
        }
        Result down = Cli.run("ctl", "sfu", "list", "--sfu", "127.0.0.1:" + nothing);
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).isEqualTo("error: cannot reach the SFU sidecar at 127.0.0.1:" + nothing
                + " (is 'ams' or 'ams sidecar' running? its gRPC port is --sfu-grpc-port)\n");

        Result missing = Cli.run("ctl", "sfu");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("missing command: list, get, speaker, lock, remove, mute or revoke");
    }
}
