package io.ams.sfu.mqtt;

import java.util.concurrent.atomic.AtomicLong;

/** What the MQTT transport has done since start (docs/METRICS.md: {@code ams_sfu_mqtt_*}). */
public final class MqttStats {
    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    /** Messages on a topic that is not a client's inbound topic of ours (counted, dropped). */
    final AtomicLong foreignTopics = new AtomicLong();
    /** Payloads over the size limit (counted, dropped, the client told when it has a session). */
    final AtomicLong oversized = new AtomicLong();
    /** Payloads that are not a signaling message (answered bad_message). */
    final AtomicLong badMessages = new AtomicLong();
    final AtomicLong sessionsOpened = new AtomicLong();
    final AtomicLong sessionsIdle = new AtomicLong();
    final AtomicLong brokerDisconnects = new AtomicLong();

    public long messagesIn() {
        return messagesIn.get();
    }

    public long messagesOut() {
        return messagesOut.get();
    }

    public long foreignTopics() {
        return foreignTopics.get();
    }

    public long oversized() {
        return oversized.get();
    }

    public long badMessages() {
        return badMessages.get();
    }

    public long sessionsOpened() {
        return sessionsOpened.get();
    }

    /** Sessions ended because the client sent nothing for {@link MqttSignaling#IDLE_MILLIS}. */
    public long sessionsIdle() {
        return sessionsIdle.get();
    }

    public long brokerDisconnects() {
        return brokerDisconnects.get();
    }
}
