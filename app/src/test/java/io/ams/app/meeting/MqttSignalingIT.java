package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.mqtt.MqttSignaling;
import io.ams.sfu.mqtt.MqttStats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 part 4 with a real Mosquitto: a Chromium participant whose signaling goes through the broker (MQTT.js over
 * WebSocket, {@code ?mqtt=}) meets two WebSocket participants; each decodes main and mix and lists the others; room
 * events reach an integration subscribed to the room's events topic; foreign topics, oversized and malformed payloads
 * are counted and answered without touching the meeting; a broker restart mid-meeting does not end it.
 */
class MqttSignalingIT {
    static final String ROOM = "mqtt-it";

    @TempDir
    Path dir;

    @Test
    void anMqttParticipantMeetsTwoWebSocketParticipants() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(Mosquitto.available(), "mosquitto is not installed (.ci/run installs it)");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("mosquitto"));
             Meeting meeting = new Meeting(dir, 0)) {
            MqttSignaling mqtt = meeting.server.sidecar().serveMqtt(broker.uri(), "ams", broker.webSocketUrl());
            MqttStats stats = mqtt.stats();
            try (MqttProbe integration = new MqttProbe(broker.uri(), "integration").subscribe("ams/rooms/" + ROOM + "/events");
                 Browser red = browser("red", "E01E1E");
                 Browser green = browser("green", "1EC81E");
                 Browser blue = browser("blue", "1E1EE0")) {
                red.open(meeting.url(ROOM, "red"));
                green.open(meeting.url(ROOM, "green"));
                blue.open(meeting.url(ROOM, "blue") + "&mqtt=" + URLEncoder.encode(broker.webSocketUrl(), StandardCharsets.UTF_8));
                for (Browser b : List.of(blue, red, green)) {
                    assertThat(Meeting.await(60, () -> b.framesDecoded("main") > 10 && b.framesDecoded("mix") > 10
                            && names(b).containsAll(List.of("red", "green", "blue"))))
                            .as(b.label + " decodes main and mix and lists everyone: " + b.stats() + " participants "
                                    + names(b) + " state " + b.state() + " errors " + b.field("errors") + " mqtt " + b.js("return window.amsMqttLog")
                                    + "\n" + broker.log())
                            .isTrue();
                }
                assertThat(stats.sessionsOpened()).as("blue's signaling went through the broker").isEqualTo(1);
                assertThat(stats.messagesIn()).as("join, answer, candidates, pings").isGreaterThan(3);
                assertThat(Meeting.await(10, () -> count(integration.received(), "participant-joined") == 3))
                        .as("the integration saw three joins: " + integration.received()).isTrue();

                // bad input on the broker: counted and answered, the meeting untouched
                MqttProbe bad = new MqttProbe(broker.uri(), "badclient").subscribe("ams/rooms/" + ROOM
                        + "/participants/badclient/out");
                String in = "ams/rooms/" + ROOM + "/participants/badclient/in";
                bad.publish("ams/rooms/" + ROOM + "/garbage", "{}"); // not subscribed to: the server never sees it
                // inside the subscription but no client id of ours (over 64 characters): counted as foreign
                bad.publish("ams/rooms/" + ROOM + "/participants/" + "x".repeat(80) + "/in", new byte[] {1});
                bad.publish(in, "not json");
                bad.publish(in, "{\"type\":\"answer\",\"sdp\":\"v=0\"}");
                bad.publish(in, new byte[MqttSignaling.MAX_PAYLOAD + 1]);
                bad.publish(in, "{\"type\":\"join\",\"room\":\"" + ROOM + "\",\"token\":\"forged\"}");
                assertThat(Meeting.await(10, () -> stats.foreignTopics() == 1 && stats.oversized() >= 1
                        && stats.badMessages() >= 2 && joined(bad.received(), "token_invalid")))
                        .as("foreign topics %d, oversized %d, bad %d, answers %s", stats.foreignTopics(), stats.oversized(),
                                stats.badMessages(), bad.received()).isTrue();
                assertThat(bad.received()).anySatisfy(a -> assertThat(a).contains("bad_message"));
                assertThat(bad.received()).anySatisfy(a -> assertThat(a).contains("send join first"));
                bad.close();
                assertThat(meeting.room(ROOM).peerCount()).as("the forged join got nobody in").isEqualTo(3);

                // the broker goes away and comes back: the meeting goes on, blue's signaling works again
                long mainBefore = blue.framesDecoded("main");
                broker.stop();
                Thread.sleep(4000);
                broker.start();
                assertThat(Meeting.await(30, () -> blue.framesDecoded("main") > mainBefore + 30)).isTrue();
                long heard = lastHeard(blue);
                assertThat(Meeting.await(30, () -> lastHeard(blue) > heard))
                        .as("blue hears the server again over the broker (a pong): " + broker.log()).isTrue();
                assertThat(blue.state()).isEqualTo("connected");
                assertThat(meeting.room(ROOM).peerCount()).isEqualTo(3);
                assertThat(stats.brokerDisconnects()).isPositive();
                String metrics = meeting.server.sidecar().metrics().scrape(); // what an operator's Prometheus reads
                assertThat(metrics).containsPattern("ams_sfu_mqtt_refused_total\\{reason=\"foreign_topic\"} 1\\.0")
                        .containsPattern("ams_sfu_mqtt_broker_disconnects_total [1-9]")
                        .containsPattern("ams_sfu_mqtt_sessions [1-9]")
                        .containsPattern("ams_sfu_mqtt_broker_up 1\\.0");
                System.out.printf("mqtt: messages in %d, out %d, foreign topics %d, oversized %d, bad %d, broker disconnects %d%n",
                        stats.messagesIn(), stats.messagesOut(), stats.foreignTopics(), stats.oversized(), stats.badMessages(),
                        stats.brokerDisconnects());
            }
        }
    }

    private static boolean joined(List<String> answers, String code) {
        synchronized (answers) {
            return answers.stream().anyMatch(a -> a.contains(code));
        }
    }

    private static int count(List<String> events, String type) {
        synchronized (events) {
            return (int) events.stream().filter(e -> e.contains("\"type\":\"" + type + "\"")).count();
        }
    }

    private static long lastHeard(Browser b) {
        Object o = b.js("return window.amsClient._lastHeard || 0;");
        return o instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Browser b) {
        Object o = b.field("participants");
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof Map<?, ?> m && m.get("name") != null) {
                    out.add(String.valueOf(m.get("name")));
                }
            }
        }
        return out;
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }
}
