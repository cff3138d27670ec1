package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.engine.EngineConfig;
import io.ams.sfu.SidecarConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana/ams-dashboard.json asks only for series the code exposes: every metric name in its queries
 * is in a real scrape of the all-in-one's metrics port (engine and sidecar meters, with a room open so the
 * per-room and per-output series exist), and it has a panel for each subject an operator looks for.
 */
class DashboardTest {
    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "ams-dashboard.json");
    static final Path PROMETHEUS = Path.of("..", "deploy", "prometheus", "prometheus.yml");
    /** PromQL words that are not metric names. */
    static final Set<String> PROMQL = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset");
    @TempDir
    Path dir;

    @Test
    void everyQueryUsesSeriesTheCodeExposes() throws Exception {
        Set<String> exposed = scrapedNames();
        JsonNode dash = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                used.addAll(metricNames(t.path("expr").asText()));
            }
        }
        assertThat(used).as("metric names the dashboard queries").isNotEmpty();
        assertThat(exposed).as("a scrape of the engine and the sidecar").containsAll(used);
        assertThat(used).as("the subjects an operator looks for").contains("ams_sfu_rooms", "ams_sfu_participants",
                "ams_output_fps", "ams_output_late_ticks_total", "ams_output_encode_seconds_bucket",
                "ams_output_composite_seconds_bucket", "ams_room_decode_errors_total", "ams_engine_native_frames",
                "ams_sfu_packets_sent_total", "ams_sfu_bytes_sent_total", "ams_sfu_nacks_received_total",
                "ams_sfu_plis_sent_total", "ams_sfu_downlink_estimate_bps_bucket", "ams_sfu_signaling_connections",
                "ams_sfu_join_failures_total");
        assertThat(dash.path("templating").path("list").get(0).path("type").asText()).as("the data source is chosen on import")
                .isEqualTo("datasource");
        for (JsonNode panel : dash.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
        }
    }

    @Test
    void prometheusScrapesTheEngineAndTheSidecarWithTheControlToken() throws Exception {
        String yml = Files.readString(PROMETHEUS);
        assertThat(yml).contains("job_name: ams-engine", "job_name: ams-sidecar", "credentials_file:", "metrics_path: /metrics");
    }

    /** The metric names in one PromQL expression: label matchers, ranges, strings and grouping clauses left out. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"[^\"]*\"", "").replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !PROMQL.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Series names in a real scrape of the all-in-one's --metrics-port, with a room open on both sides. */
    private Set<String> scrapedNames() throws Exception {
        EngineConfig ec = new EngineConfig("127.0.0.1", 0, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        SidecarConfig sc = SidecarConfig.defaults(dir).withPorts(0, 0, 0).withHttpHost("127.0.0.1");
        HttpClient http = HttpClient.newHttpClient();
        try (AllInOne server = AllInOne.start(ec, sc)) {
            int port = server.serveMetrics(0);
            String token = server.sidecar().tokens().issue("dash-room", "Ada", Duration.ofMinutes(5));
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.sidecar().httpPort()
                    + "/ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"join\",\"room\":\"dash-room\",\"name\":\"Ada\",\"token\":\"" + token + "\"}", true).join();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String body = "";
            while (System.nanoTime() < end) {
                body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("ams_output_fps{") && body.contains("ams_room_decode_errors_total{")) {
                    break;
                }
                Thread.sleep(200);
            }
            ws.abort();
            Set<String> names = new TreeSet<>();
            for (String line : body.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            assertThat(names).as("the engine's room is open: its series are in the scrape").contains("ams_output_fps");
            return names;
        }
    }
}
