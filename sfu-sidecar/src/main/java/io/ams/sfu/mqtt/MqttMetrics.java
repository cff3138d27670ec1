package io.ams.sfu.mqtt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** The MQTT signaling's meters (docs/METRICS.md "MQTT"), bound when --mqtt-uri serves it. */
public final class MqttMetrics {
    private MqttMetrics() {
    }

    public static void bind(MeterRegistry registry, MqttSignaling m) {
        MqttStats s = m.stats();
        counter(registry, "ams.sfu.mqtt.messages", "direction", "in", s, MqttStats::messagesIn, "signaling messages received over MQTT");
        counter(registry, "ams.sfu.mqtt.messages", "direction", "out", s, MqttStats::messagesOut, "signaling messages published over MQTT");
        counter(registry, "ams.sfu.mqtt.refused", "reason", "foreign_topic", s, MqttStats::foreignTopics,
                "MQTT messages on topics that are not a client's request topic");
        counter(registry, "ams.sfu.mqtt.refused", "reason", "oversized", s, MqttStats::oversized, "MQTT messages over 64 kB");
        counter(registry, "ams.sfu.mqtt.refused", "reason", "bad_message", s, MqttStats::badMessages,
                "MQTT messages that are not signaling JSON");
        counter(registry, "ams.sfu.mqtt.sessions.opened", null, null, s, MqttStats::sessionsOpened, "MQTT signaling sessions opened");
        counter(registry, "ams.sfu.mqtt.sessions.idle", null, null, s, MqttStats::sessionsIdle,
                "MQTT signaling sessions ended because their client went quiet");
        counter(registry, "ams.sfu.mqtt.broker.disconnects", null, null, s, MqttStats::brokerDisconnects,
                "times the broker connection was lost");
        Gauge.builder("ams.sfu.mqtt.sessions", m, MqttSignaling::sessions).description("MQTT signaling sessions open now")
                .register(registry);
        Gauge.builder("ams.sfu.mqtt.broker.up", m, x -> x.brokerConnected() ? 1 : 0)
                .description("1 while the MQTT broker connection is up").register(registry);
    }

    private static void counter(MeterRegistry r, String name, String tag, String value, MqttStats s, ToDoubleFunction<MqttStats> f,
                                String description) {
        FunctionCounter.Builder<MqttStats> b = FunctionCounter.builder(name, s, f).description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(r);
    }
}
