package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.app.AllInOne;
import io.ams.engine.ControlSecurity;
import io.ams.engine.EngineConfig;
import io.ams.proto.auth.ControlToken;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one's {@code --metrics-port} as an operator's Prometheus scrapes it: one port on loopback serves the
 * engine's and the sidecar's meters, refuses a scrape without the control token, and follows a real meeting:
 * headless Chromium joins (one participant, media relayed both ways, a bandwidth estimate), and a forged join
 * link is counted under its reason.
 */
class SidecarMetricsIT {
    static final String ROOM = "metrics-it";
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void oneScrapeShowsTheMeetingOnBothSides() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        ControlToken token = ControlToken.random();
        EngineConfig ec = new EngineConfig("127.0.0.1", 0, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"), ControlSecurity.loopbackDefault().withToken(token));
        SidecarConfig sc = SidecarConfig.defaults(dir).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withMix(new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID)).withP2p(P2pSettings.off())
                .withControl(token, false);
        try (AllInOne server = AllInOne.start(ec, sc)) {
            int port = server.serveMetrics(0);
            assertThat(get(port, null).statusCode()).as("a scrape without the control token").isEqualTo(401);
            assertThat(get(port, "not-the-token").statusCode()).isEqualTo(401);
            String empty = scrape(port, token);
            assertThat(value(empty, "ams_sfu_participants")).isZero();
            assertThat(value(empty, "ams_engine_rooms")).as("the engine's meters on the same port").isZero();

            Path y4m = FakeMedia.colour(dir, "ada", "E01E1E", 320, 180, 15);
            Path wav = FakeMedia.tone(dir, "ada", 0.5);
            try (Browser ada = new Browser("ada", y4m, wav, Files.createDirectories(dir.resolve("profile-ada")))) {
                ada.open(server.sidecar().joinUrl("127.0.0.1", ROOM, "Ada"));
                assertThat(Meeting.await(40, () -> "connected".equals(ada.state())))
                        .as("Ada connected; state " + ada.state() + ", errors " + ada.field("errors")).isTrue();
                assertThat(forgedJoin(server.sidecar().httpPort())).isEqualTo("token_invalid");

                assertThat(Meeting.await(30, () -> {
                    String s = scrape(port, token);
                    return value(s, "ams_sfu_packets_sent_total") > 50 && value(s, "ams_sfu_mix_packets_total") > 50
                            && value(s, "ams_sfu_downlink_estimate_bps_count") > 0 && value(s, "ams_engine_participants") == 1;
                })).as("media flows both ways: %s", scrape(port, token)).isTrue();
                String s = scrape(port, token);
                assertThat(value(s, "ams_sfu_rooms")).isEqualTo(1);
                assertThat(value(s, "ams_sfu_participants")).isEqualTo(1);
                assertThat(value(s, "ams_sfu_joins_total")).isEqualTo(1);
                assertThat(value(s, "ams_sfu_join_failures_total{reason=\"bad_token\"}")).isEqualTo(1);
                assertThat(value(s, "ams_sfu_join_failures_total{reason=\"ice_failed\"}")).isZero();
                assertThat(value(s, "ams_sfu_packets_received_total")).as("Ada's camera and microphone").isGreaterThan(50);
                assertThat(value(s, "ams_sfu_bytes_sent_total")).isGreaterThan(value(s, "ams_sfu_packets_sent_total"));
                assertThat(value(s, "ams_sfu_signaling_connections")).isEqualTo(1);
                assertThat(value(s, "ams_engine_rooms")).isEqualTo(1);
                assertThat(s).contains("ams_output_encode_seconds_bucket{output=\"main\",room=\"" + ROOM + "\"");
            }
            assertThat(Meeting.await(20, () -> value(scrape(port, token), "ams_sfu_rooms") == 0))
                    .as("the room closes with its last participant").isTrue();
            String after = scrape(port, token);
            assertThat(value(after, "ams_sfu_participants")).isZero();
            assertThat(value(after, "ams_sfu_joins_total")).isEqualTo(1);
            assertThat(value(after, "ams_sfu_packets_sent_total")).as("what a closed room relayed stays counted").isGreaterThan(50);
        }
    }

    /**
     * A split deployment as bin/ams runs it: {@code ams engine} and {@code ams sidecar} processes, each with
     * {@code --metrics-port} and the same control token file; each prints its URL, refuses a scrape without the
     * token, and the sidecar's scrape counts a real WebSocket join and a forged one.
     */
    @Test
    void theEngineAndTheSidecarProcessesServeTheirOwnPorts() throws Exception {
        Path tokenFile = dir.resolve("control.token");
        ControlToken token = ControlToken.loadOrCreate(tokenFile);
        Path data = Files.createDirectories(dir.resolve("sidecar-data"));
        io.ams.sfu.auth.JoinTokens tokens = new io.ams.sfu.auth.JoinTokens(
                io.ams.sfu.auth.JoinTokens.loadOrCreateKey(data.resolve("token.key"))); // the sidecar's key
        int enginePort = FreePorts.tcp();
        int engineMetrics = FreePorts.tcp();
        int sidecarMetrics = FreePorts.tcp();
        int httpPort = FreePorts.tcp();
        try (AmsProcess engine = AmsProcess.engine(dir, null, "127.0.0.1", enginePort, "--metrics-port",
                String.valueOf(engineMetrics), "--control-token-file", tokenFile.toString());
             AmsProcess sidecar = AmsProcess.sidecar(dir, data, httpPort, FreePorts.udp(), "127.0.0.1:" + enginePort,
                     "--metrics-port", String.valueOf(sidecarMetrics), "--control-token-file", tokenFile.toString())) {
            assertThat(Meeting.await(10, () -> engine.logText().contains("metrics: http://127.0.0.1:" + engineMetrics + "/metrics")))
                    .as(engine.logText()).isTrue();
            assertThat(Meeting.await(10, () -> sidecar.logText().contains("metrics: http://127.0.0.1:" + sidecarMetrics + "/metrics")))
                    .as(sidecar.logText()).isTrue();
            for (int port : new int[] {engineMetrics, sidecarMetrics}) {
                assertThat(get(port, null).statusCode()).as("port %d without the token", port).isEqualTo(401);
            }
            assertThat(value(scrape(engineMetrics, token), "ams_engine_rooms")).isZero();
            assertThat(scrape(engineMetrics, token)).doesNotContain("ams_sfu_");
            assertThat(scrape(sidecarMetrics, token)).doesNotContain("ams_engine_").contains("jvm_memory_used_bytes");

            CompletableFuture<String> joined = new CompletableFuture<>();
            WebSocket ada = signaling(httpPort, "type", joined);
            ada.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"name\":\"Ada\",\"token\":\""
                    + tokens.issue(ROOM, "Ada", java.time.Duration.ofMinutes(5)) + "\"}", true).join();
            assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo("joined");
            assertThat(forgedJoin(httpPort)).isEqualTo("token_invalid");
            assertThat(Meeting.await(20, () -> value(scrape(sidecarMetrics, token), "ams_sfu_participants") == 1
                    && value(scrape(engineMetrics, token), "ams_engine_rooms") == 1))
                    .as("the room open on both sides").isTrue();
            String s = scrape(sidecarMetrics, token);
            assertThat(value(s, "ams_sfu_joins_total")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_join_failures_total{reason=\"bad_token\"}")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_signaling_connections")).isEqualTo(1);
            ada.abort();
        }
    }

    /** A signaling WebSocket: the first string {@code field} of the messages it gets completes {@code first}. */
    private WebSocket signaling(int httpPort, String field, CompletableFuture<String> first) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([a-z_-]+)\"").matcher(data);
                if (m.find()) {
                    first.complete(m.group(1));
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** A join with a link that is not ours, over a plain WebSocket; the error code the sidecar answers. */
    private String forgedJoin(int httpPort) throws Exception {
        CompletableFuture<String> error = new CompletableFuture<>();
        WebSocket ws = signaling(httpPort, "code", error);
        ws.sendText("{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"name\":\"Eve\",\"token\":\"forged.link.token\"}", true).join();
        try {
            return error.get(10, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    private HttpResponse<String> get(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape(int port, ControlToken token) {
        try {
            HttpResponse<String> r = get(port, token.value());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no series " + series);
        }
        return Double.parseDouble(m.group(1));
    }
}
