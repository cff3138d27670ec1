package io.ams.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.ControlSecurity;
import io.ams.engine.EngineConfig;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.auth.ControlToken;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.rtp.VideoCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The engine's /metrics as Prometheus scrapes it: a room with a real sender shows its numbers, and they go with it. */
class EngineMetricsTest {
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(body);
        assertThat(m.find()).as("series %s in%n%s", series, body.length() > 3000 ? body.substring(0, 3000) : body).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aRoomWithASenderShowsItsNumbersAndTheyGoWithTheRoom() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            int port = h.engine().serveMetrics(0);
            MixerGrpc.MixerBlockingStub api = h.stub();
            String empty = get(port, null).body();
            assertThat(value(empty, "ams_engine_rooms")).isZero();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("m1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("m1")
                    .setParticipantId("red").setCodec(Codec.VP8).setPayloadType(96).build());
            get(port, null); // the room's meters are made by a scrape
            try (FfmpegSender red = FfmpegSender.solid("red", "160x90", 15, VideoCodec.VP8, r.getRtpHost(), r.getRtpPort(), 96, 5)) {
                Thread.sleep(3000);
                HttpResponse<String> resp = get(port, null);
                assertThat(resp.statusCode()).isEqualTo(200);
                assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                String body = resp.body();
                assertThat(value(body, "ams_engine_rooms")).isEqualTo(1);
                assertThat(value(body, "ams_engine_participants")).isEqualTo(1);
                assertThat(value(body, "ams_room_packets_total{room=\"m1\"}")).isPositive();
                assertThat(value(body, "ams_room_frames_decoded_total{room=\"m1\"}")).isPositive();
                assertThat(value(body, "ams_output_frames_total{output=\"main\",room=\"m1\"}")).isGreaterThan(20);
                assertThat(value(body, "ams_output_fps{output=\"main\",room=\"m1\"}")).isBetween(10.0, 16.0);
                assertThat(value(body, "ams_output_encode_seconds_count{output=\"main\",room=\"m1\"}")).isGreaterThan(20);
                assertThat(body).contains("ams_output_encode_seconds_bucket{output=\"main\",room=\"m1\",le=");
                assertThat(body).contains("ams_engine_native_frames ");
                assertThat(body).contains("jvm_memory_used_bytes");
            }
            api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("m1").build());
            String after = get(port, null).body();
            assertThat(value(after, "ams_engine_rooms")).isZero();
            assertThat(after).as("no series of a deleted room").doesNotContain("room=\"m1\"");
        }
    }

    @Test
    void withAControlTokenAScrapeMustCarryIt() throws Exception {
        ControlToken token = ControlToken.random();
        EngineConfig config = EngineConfig.ephemeral().withSecurity(new ControlSecurity(token, false, List.of()));
        try (EngineHarness h = new EngineHarness(config)) {
            int port = h.engine().serveMetrics(0);
            assertThat(get(port, null).statusCode()).isEqualTo(401);
            assertThat(get(port, "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> ok = get(port, token.value());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("ams_engine_rooms");
        }
    }
}
