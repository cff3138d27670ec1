package io.ams.sfu.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.proto.auth.ControlToken;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.auth.Role;
import io.ams.sfu.room.RelayTotals;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.SignalingStats;
import io.ams.sfu.signal.WsClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator's Prometheus sees of the sidecar: every {@code ams_sfu_*} series moves with the counter
 * behind it, joins and refusals are counted by reason, and a real sidecar's scrape follows real WebSocket joins.
 */
class SidecarMetricsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(body);
        assertThat(m.find()).as("series %s in%n%s", series, body).isTrue();
        return Double.parseDouble(m.group(1));
    }

    static RelayTotals totals(long base, long ice, long dtls) {
        return new RelayTotals(base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9,
                base + 10, base + 11, base + 12, base + 13, ice, dtls);
    }

    @Test
    void everySeriesFollowsItsSource() {
        AtomicReference<RoomRegistry.Census> census = new AtomicReference<>(new RoomRegistry.Census(0, 0, RelayTotals.ZERO));
        SignalingStats signaling = new SignalingStats();
        JoinCounters joins = new JoinCounters();
        SidecarMetrics m = new SidecarMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), census::get, signaling,
                joins, 0);
        String before = m.scrape();
        assertThat(value(before, "ams_sfu_rooms")).isZero();
        assertThat(value(before, "ams_sfu_packets_received_total")).isZero();
        for (JoinFailureReason r : JoinFailureReason.values()) {
            assertThat(value(before, "ams_sfu_join_failures_total{reason=\"" + r.label() + "\"}"))
                    .as("every reason is a series from the start, at 0").isZero();
        }

        census.set(new RoomRegistry.Census(2, 5, totals(100, 3, 1)));
        signaling.open.set(4);
        signaling.connections.set(9);
        signaling.messagesIn.set(70);
        signaling.badMessages.set(2);
        signaling.rateLimited.set(1);
        signaling.webSocketsOverH2.set(3);
        joins.joined();
        joins.joined();
        joins.failed(JoinFailureReason.BAD_TOKEN);
        joins.failed(JoinFailureReason.ROOM_FULL);
        joins.failed(JoinFailureReason.ICE_FAILED); // not one the signaling counts, but it adds up all the same
        m.recordDownlinkEstimate(800_000);
        m.recordDownlinkEstimate(2_500_000);

        String s = m.scrape();
        assertThat(value(s, "ams_sfu_rooms")).isEqualTo(2);
        assertThat(value(s, "ams_sfu_participants")).isEqualTo(5);
        assertThat(value(s, "ams_sfu_signaling_connections")).isEqualTo(4);
        assertThat(value(s, "ams_sfu_signaling_connections_opened_total")).isEqualTo(9);
        assertThat(value(s, "ams_sfu_signaling_connections_h2_total")).isEqualTo(3);
        assertThat(value(s, "ams_sfu_signaling_messages_total")).isEqualTo(70);
        assertThat(value(s, "ams_sfu_signaling_messages_bad_total")).isEqualTo(2);
        assertThat(value(s, "ams_sfu_signaling_rate_limited_total")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_joins_total")).isEqualTo(2);
        assertThat(value(s, "ams_sfu_join_failures_total{reason=\"bad_token\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_join_failures_total{reason=\"room_full\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_join_failures_total{reason=\"ice_failed\"}")).as("1 counted + 3 from the rooms").isEqualTo(4);
        assertThat(value(s, "ams_sfu_join_failures_total{reason=\"dtls_failed\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_join_failures_total{reason=\"token_expired\"}")).isZero();
        assertThat(value(s, "ams_sfu_packets_received_total")).isEqualTo(101);
        assertThat(value(s, "ams_sfu_bytes_received_total")).isEqualTo(102);
        assertThat(value(s, "ams_sfu_packets_sent_total")).isEqualTo(103);
        assertThat(value(s, "ams_sfu_bytes_sent_total")).isEqualTo(104);
        assertThat(value(s, "ams_sfu_rtp_forwarded_total")).isEqualTo(105);
        assertThat(value(s, "ams_sfu_packets_dropped_total{from=\"participant\"}")).isEqualTo(106);
        assertThat(value(s, "ams_sfu_nacks_received_total")).isEqualTo(107);
        assertThat(value(s, "ams_sfu_retransmissions_sent_total")).isEqualTo(108);
        assertThat(value(s, "ams_sfu_nacks_sent_total")).isEqualTo(109);
        assertThat(value(s, "ams_sfu_plis_sent_total")).isEqualTo(110);
        assertThat(value(s, "ams_sfu_keyframe_requests_received_total")).isEqualTo(111);
        assertThat(value(s, "ams_sfu_mix_packets_total")).isEqualTo(112);
        assertThat(value(s, "ams_sfu_packets_dropped_total{from=\"engine\"}")).isEqualTo(113);
        assertThat(value(s, "ams_sfu_downlink_estimate_bps_count")).isEqualTo(2);
        assertThat(value(s, "ams_sfu_downlink_estimate_bps_sum")).isEqualTo(3_300_000);
        assertThat(value(s, "ams_sfu_downlink_estimate_bps_bucket{le=\"1000000.0\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_downlink_estimate_bps_bucket{le=\"3000000.0\"}")).isEqualTo(2);
    }

    @Test
    void joinFailureReasonsFollowTheSignalingCodes() {
        assertThat(JoinFailureReason.ofCode("token_invalid")).isEqualTo(JoinFailureReason.BAD_TOKEN);
        assertThat(JoinFailureReason.ofCode("token_expired")).isEqualTo(JoinFailureReason.TOKEN_EXPIRED);
        assertThat(JoinFailureReason.ofCode("token_revoked")).isEqualTo(JoinFailureReason.TOKEN_REVOKED);
        assertThat(JoinFailureReason.ofCode("room_locked")).isEqualTo(JoinFailureReason.ROOM_LOCKED);
        assertThat(JoinFailureReason.ofCode("room_full")).isEqualTo(JoinFailureReason.ROOM_FULL);
        assertThat(JoinFailureReason.ofCode("room_unknown")).isEqualTo(JoinFailureReason.BAD_REQUEST);
        assertThat(JoinFailureReason.ofCode("internal")).isEqualTo(JoinFailureReason.INTERNAL);
        assertThat(JoinFailureReason.ofCode("something new")).isEqualTo(JoinFailureReason.INTERNAL);
        assertThat(JoinFailureReason.DTLS_FAILED.label()).isEqualTo("dtls_failed");
    }

    /** A real sidecar (no engine behind it) and real WebSocket joins: what the scrape says follows them. */
    @Test
    void aSidecarsScrapeFollowsRealJoinsAndRefusals() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ControlToken token = ControlToken.random();
        try (Sidecar sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed).withControl(token, false))) {
            int port = sidecar.serveMetrics(0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.ams.proto.metrics.MetricsEndpoint.start("127.0.0.1", port,
                    null, () -> "")).isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot serve metrics on 127.0.0.1:" + port);
            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, port, null).statusCode()).as("no token: refused").isEqualTo(401);
            assertThat(get(http, port, "wrong").statusCode()).isEqualTo(401);
            String first = get(http, port, token.value()).body();
            assertThat(value(first, "ams_sfu_joins_total")).isZero();
            assertThat(first).as("the JVM's meters, as the engine has them").contains("jvm_memory_used_bytes", "process_cpu_usage");

            WsClient ada = WsClient.open(sidecar.httpPort());
            ada.send(join("m-room", "Ada", sidecar.tokens().issue("m-room", "Ada", Duration.ofMinutes(5), Role.PARTICIPANT).token()));
            ada.next("joined");
            WsClient forger = WsClient.open(sidecar.httpPort());
            forger.send(join("m-room", "Eve", "not.a.token"));
            assertThat(forger.next("error").path("code").asText()).isEqualTo("token_invalid");
            WsClient late = WsClient.open(sidecar.httpPort());
            late.send(join("m-room", "Bob", sidecar.tokens().issue("m-room", "Bob", Duration.ofMinutes(-5), Role.PARTICIPANT).token()));
            assertThat(late.next("error").path("code").asText()).isEqualTo("token_expired");
            WsClient sloppy = WsClient.open(sidecar.httpPort());
            sloppy.send("{\"type\":\"join\",\"room\":\"m-room\"}");
            assertThat(sloppy.next("error").path("code").asText()).isEqualTo("bad_message");

            // one census serves a scrape for 250 ms: the gauges may still show the one taken before the joins
            assertThat(await(() -> value(scrape(http, port, token), "ams_sfu_rooms") == 1)).as("the room in a scrape").isTrue();
            String s = get(http, port, token.value()).body();
            assertThat(value(s, "ams_sfu_joins_total")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_rooms")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_participants")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_join_failures_total{reason=\"bad_token\"}")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_join_failures_total{reason=\"token_expired\"}")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_join_failures_total{reason=\"bad_request\"}")).isEqualTo(1);
            assertThat(value(s, "ams_sfu_signaling_connections_opened_total")).isEqualTo(4);
            assertThat(value(s, "ams_sfu_signaling_connections")).as("Ada and the sloppy client stay connected")
                    .isGreaterThanOrEqualTo(2);

            ada.ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").join();
            assertThat(await(() -> value(scrape(http, port, token), "ams_sfu_rooms") == 0))
                    .as("the room closes with its last participant").isTrue();
            String after = get(http, port, token.value()).body();
            assertThat(value(after, "ams_sfu_participants")).isZero();
            assertThat(value(after, "ams_sfu_joins_total")).as("a counter does not go down when people leave").isEqualTo(1);
            sloppy.ws.abort();
        }
    }

    static String join(String room, String name, String token) {
        return JSON.createObjectNode().put("type", "join").put("room", room).put("name", name).put("token", token).toString();
    }

    static HttpResponse<String> get(HttpClient http, int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String scrape(HttpClient http, int port, ControlToken token) {
        try {
            return get(http, port, token.value()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return cond.getAsBoolean();
    }

    @Test
    void chatMessagesAndRefusalsByReasonAreCounted() {
        AtomicReference<RoomRegistry.Census> census = new AtomicReference<>(new RoomRegistry.Census(0, 0, RelayTotals.ZERO));
        java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();
        ChatCounters chat = new ChatCounters(lost::get);
        SidecarMetrics m = new SidecarMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), census::get,
                new SignalingStats(), new JoinCounters(), chat, 0);
        for (ChatCounters.Refusal r : ChatCounters.Refusal.values()) {
            assertThat(value(m.scrape(), "ams_sfu_chat_refused_total{reason=\"" + r.label() + "\"}")).isZero();
        }
        chat.sent();
        chat.sent();
        chat.refused(ChatCounters.Refusal.ofCode("chat_rate_limited"));
        chat.refused(ChatCounters.Refusal.ofCode("chat_too_long"));
        chat.refused(ChatCounters.Refusal.ofCode("bad_message"));
        lost.set(3);
        String s = m.scrape();
        assertThat(value(s, "ams_sfu_chat_messages_total")).isEqualTo(2);
        assertThat(value(s, "ams_sfu_chat_refused_total{reason=\"rate_limited\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_chat_refused_total{reason=\"too_long\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_chat_refused_total{reason=\"bad_request\"}")).isEqualTo(1);
        assertThat(value(s, "ams_sfu_chat_refused_total{reason=\"empty\"}")).isZero();
        assertThat(value(s, "ams_sfu_chat_recording_failures_total")).isEqualTo(3);
    }
}
