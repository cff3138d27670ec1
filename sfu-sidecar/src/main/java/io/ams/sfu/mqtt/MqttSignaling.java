package io.ams.sfu.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ams.sfu.bwe.BurstLog;
import io.ams.sfu.signal.BadMessageException;
import io.ams.sfu.signal.SignalingHandler;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signaling protocol carried over MQTT 5 (issue 12 part 4, docs/SIGNALING.md "MQTT"): the same JSON messages as on
 * the WebSocket, to the same {@link SignalingHandler}. A client publishes to its inbound topic (QoS 1); its first
 * message must be a join, which opens its session; everything the server says goes to its outbound topic (or to the
 * join's MQTT 5 response topic, with the join's correlation data on the answer to the join). A session ends with
 * the client's {@code leave} (also its MQTT will), when the server closes it (told as {@code mqtt-close}), or after
 * {@link #IDLE_MILLIS} without a message (the web client pings every few seconds).
 *
 * <p>Nothing of the media goes through the broker: a broker that disconnects is reconnected to (automatically, with
 * what the server sent meanwhile buffered), and the meetings go on over WebRTC. Messages on foreign topics, oversized
 * or malformed payloads are counted and dropped ({@link MqttStats}); they never reach a room.
 */
public final class MqttSignaling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttSignaling.class);
    /** The largest payload taken (an SDP with every candidate fits well within). */
    public static final int MAX_PAYLOAD = 256 * 1024;
    public static final long IDLE_MILLIS = 45_000;

    private final MqttTopics topics;
    private final SignalingHandler handler;
    private final MqttAsyncClient client;
    private final MqttStats stats = new MqttStats();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final Executor defaultLane;
    private final BurstLog refusals = new BurstLog(LOG);
    private final String shown;
    private volatile boolean closed;

    private MqttSignaling(MqttTopics topics, SignalingHandler handler, MqttAsyncClient client, String shown) {
        this.topics = topics;
        this.handler = handler;
        this.client = client;
        this.shown = shown;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-signaling");
            t.setDaemon(true);
            return t;
        });
        this.defaultLane = timer;
    }

    /**
     * Connects to the broker at {@code uri} ({@code tcp://[user:password@]host:1883}, {@code ssl://} for TLS) as
     * client {@code clientId} and serves the signaling under {@code prefix}. Waits up to 10 s for the first
     * connection.
     *
     * @throws IllegalArgumentException for a URI or prefix that cannot be used, naming it
     * @throws java.io.IOException when the broker cannot be reached
     */
    public static MqttSignaling start(String uri, String prefix, String clientId, SignalingHandler handler)
            throws java.io.IOException {
        MqttTopics topics = new MqttTopics(prefix);
        URI u;
        try {
            u = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mqtt-uri " + uri + ": " + e.getMessage(), e);
        }
        if (!("tcp".equals(u.getScheme()) || "ssl".equals(u.getScheme())) || u.getHost() == null) {
            throw new IllegalArgumentException("--mqtt-uri must be tcp://HOST:PORT or ssl://HOST:PORT (got " + uri + ")");
        }
        String server = u.getScheme() + "://" + u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : "ssl".equals(u.getScheme()) ? 8883 : 1883);
        MqttConnectionOptions opts = new MqttConnectionOptions();
        opts.setAutomaticReconnect(true);
        opts.setAutomaticReconnectDelay(1, 10);
        opts.setCleanStart(true);
        opts.setConnectionTimeout(5);
        opts.setKeepAliveInterval(15);
        if (u.getUserInfo() != null) {
            String[] up = u.getUserInfo().split(":", 2);
            opts.setUserName(up[0]);
            if (up.length > 1) {
                opts.setPassword(up[1].getBytes(StandardCharsets.UTF_8));
            }
        }
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(server, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("--mqtt-uri " + server + ": " + e.getMessage(), e);
        }
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(5000);
        buffer.setDeleteOldestMessages(true);
        c.setBufferOpts(buffer);
        MqttSignaling m = new MqttSignaling(topics, handler, c, server);
        c.setCallback(m.new Callback());
        try {
            c.connect(opts).waitForCompletion(10_000);
        } catch (MqttException e) {
            m.close();
            throw new java.io.IOException("cannot connect to the MQTT broker " + server + ": " + e.getMessage(), e);
        }
        m.timer.scheduleWithFixedDelay(m::closeIdle, 5, 5, TimeUnit.SECONDS);
        LOG.info("signaling over MQTT: broker {}, clients publish to {} (docs/SIGNALING.md \"MQTT\")", server, topics.allIn());
        return m;
    }

    public MqttStats stats() {
        return stats;
    }

    public MqttTopics topics() {
        return topics;
    }

    /** Whether the broker connection is up now. */
    public boolean brokerConnected() {
        return client.isConnected();
    }

    /** Sessions open now. */
    public int sessions() {
        return sessions.size();
    }

    /** Publishes a room event ({@code PREFIX/rooms/ROOM/events}, QoS 1) for integrations. */
    public void event(String room, ObjectNode event) {
        publish(topics.events(room), event.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    private void publish(String topic, byte[] payload, byte[] correlation) {
        if (closed) {
            return;
        }
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        if (correlation != null) {
            MqttProperties p = new MqttProperties();
            p.setCorrelationData(correlation);
            m.setProperties(p);
        }
        try {
            client.publish(topic, m);
            stats.messagesOut.incrementAndGet();
        } catch (MqttException e) {
            refusals.warn(System.currentTimeMillis(), "mqtt: cannot publish to {}: {}", topic, e.getMessage());
        }
    }

    private void subscribe() {
        try {
            client.subscribe(topics.allIn(), 1);
        } catch (MqttException e) {
            LOG.warn("mqtt: cannot subscribe to {} at {}: {} (retried at the next reconnect)", topics.allIn(), shown,
                    e.getMessage());
        }
    }

    private void arrived(String topic, MqttMessage message) {
        MqttTopics.Address a = topics.parseIn(topic);
        if (a == null) {
            stats.foreignTopics.incrementAndGet();
            refusals.warn(System.currentTimeMillis(), "mqtt: dropped a message on foreign topic '{}'", topic);
            return;
        }
        Session s = sessions.get(a.key());
        byte[] payload = message.getPayload();
        if (payload.length > MAX_PAYLOAD) {
            stats.oversized.incrementAndGet();
            refusals.warn(System.currentTimeMillis(), "mqtt: dropped {} bytes from {} (limit {})", payload.length, a.key(),
                    MAX_PAYLOAD);
            if (s != null) {
                s.send(SignalingServer.error("bad_message", "message of " + payload.length + " bytes is over the limit of "
                        + MAX_PAYLOAD));
            }
            return;
        }
        stats.messagesIn.incrementAndGet();
        JsonNode msg;
        try {
            msg = SignalingServer.parseClientMessage(new String(payload, StandardCharsets.UTF_8));
        } catch (BadMessageException e) {
            stats.badMessages.incrementAndGet();
            reply(a, s, message, SignalingServer.error(e.code(), e.getMessage()));
            return;
        }
        String type = msg.get("type").asText();
        if (s == null) {
            if (!type.equals("join")) {
                if (!type.equals("leave")) { // a will or a leave after the session ended: nothing to say
                    stats.badMessages.incrementAndGet();
                    reply(a, null, message, SignalingServer.error("bad_message", "send join first"));
                }
                return;
            }
            if (!a.room().equals(msg.path("room").asText())) {
                stats.badMessages.incrementAndGet();
                reply(a, null, message, SignalingServer.error("bad_message", "the join names room '" + msg.path("room").asText()
                        + "' but was sent on room '" + a.room() + "''s topic"));
                return;
            }
            s = open(a, message);
            if (s == null) {
                return;
            }
        }
        s.lastHeard = System.currentTimeMillis();
        if (!s.allow()) {
            s.send(SignalingServer.error("rate_limited", "more than " + SignalingServer.MAX_MESSAGES_PER_SECOND
                    + " messages per second"));
            s.close("rate limited");
            return;
        }
        dispatch(s, type, msg);
        if (type.equals("leave")) {
            s.close("left");
        }
    }

    private Session open(MqttTopics.Address a, MqttMessage join) {
        MqttProperties p = join.getProperties();
        String out = p != null && p.getResponseTopic() != null && !p.getResponseTopic().isBlank() ? p.getResponseTopic()
                : topics.out(a.room(), a.client());
        if (out.contains("+") || out.contains("#")) {
            reply(a, null, join, SignalingServer.error("bad_message", "a response topic may not hold wildcards"));
            return null;
        }
        Session s = new Session("m" + ids.incrementAndGet(), a, out, p == null ? null : p.getCorrelationData());
        if (sessions.putIfAbsent(a.key(), s) != null) {
            return sessions.get(a.key());
        }
        stats.sessionsOpened.incrementAndGet();
        run(s, "open", null, () -> handler.onOpen(s));
        return s;
    }

    /** An answer to a message that has no session (yet): to the response topic it names, or the default outbound one. */
    private void reply(MqttTopics.Address a, Session s, MqttMessage to, ObjectNode answer) {
        if (s != null) {
            s.send(answer);
            return;
        }
        MqttProperties p = to.getProperties();
        String topic = p != null && p.getResponseTopic() != null && !p.getResponseTopic().isBlank()
                && !p.getResponseTopic().contains("+") && !p.getResponseTopic().contains("#") ? p.getResponseTopic()
                : topics.out(a.room(), a.client());
        publish(topic, answer.toString().getBytes(StandardCharsets.UTF_8), p == null ? null : p.getCorrelationData());
    }

    private void dispatch(Session s, String type, JsonNode msg) {
        run(s, type, msg, () -> {
            try {
                handler.onMessage(s, type, msg);
            } catch (BadMessageException e) {
                if (e.code().equals("bad_message")) {
                    stats.badMessages.incrementAndGet();
                }
                s.send(SignalingServer.error(e.code(), e.getMessage()));
            }
        });
    }

    private interface Work {
        void run() throws Exception;
    }

    private void run(Session s, String type, JsonNode msg, Work work) {
        Executor lane = null;
        try {
            lane = handler.laneFor(s, type, msg);
        } catch (RuntimeException e) {
            LOG.warn("mqtt: no lane for '{}' of {}: {}", type, s.id(), e.toString());
        }
        Runnable r = () -> {
            try {
                work.run();
            } catch (Exception e) {
                LOG.error("mqtt: handling '{}' from {} failed", type, s.id(), e);
                s.send(SignalingServer.error("internal", "the server failed to handle '" + type + "': " + e));
            }
        };
        try {
            (lane != null ? lane : defaultLane).execute(r);
        } catch (RejectedExecutionException e) {
            s.send(SignalingServer.error("busy", "the server is busy with this room; try again"));
        }
    }

    private void closeIdle() {
        long now = System.currentTimeMillis();
        for (Session s : sessions.values()) {
            if (now - s.lastHeard > IDLE_MILLIS) {
                stats.sessionsIdle.incrementAndGet();
                LOG.info("mqtt: {} ({}) sent nothing for {} s: its session ends", s.id(), s.address.key(), IDLE_MILLIS / 1000);
                s.close("idle");
            }
        }
    }

    /** One MQTT client's signaling session: its messages out go to its outbound (or response) topic. */
    private final class Session implements SignalingSession {
        private final String id;
        final MqttTopics.Address address;
        private final String out;
        private volatile byte[] correlation;   // for the answer to the join only
        private volatile Object attachment;
        volatile long lastHeard = System.currentTimeMillis();
        private volatile boolean ended;
        private long windowStart;
        private int inWindow;

        Session(String id, MqttTopics.Address address, String out, byte[] correlation) {
            this.id = id;
            this.address = address;
            this.out = out;
            this.correlation = correlation;
        }

        synchronized boolean allow() {
            long now = System.currentTimeMillis();
            if (now - windowStart >= 1000) {
                windowStart = now;
                inWindow = 0;
            }
            return ++inWindow <= SignalingServer.MAX_MESSAGES_PER_SECOND;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public SocketAddress remoteAddress() {
            return InetSocketAddress.createUnresolved("mqtt-" + address.client(), 0);
        }

        @Override
        public void send(ObjectNode message) {
            if (ended) {
                return;
            }
            byte[] c = null;
            String type = message.path("type").asText();
            if (correlation != null && (type.equals("joined") || type.equals("error") || type.equals("redirect"))) {
                c = correlation;     // the answer to the join
                correlation = null;
            }
            publish(out, message.toString().getBytes(StandardCharsets.UTF_8), c);
        }

        @Override
        public void close(String reason) {
            if (ended) {
                return;
            }
            ObjectNode bye = SignalingServer.message("mqtt-close");
            bye.put("reason", reason == null ? "" : reason);
            send(bye); // what a WebSocket's close frame says
            ended = true;
            if (sessions.remove(address.key(), this)) {
                run(this, "close", null, () -> handler.onClose(this, reason));
            }
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object o) {
            attachment = o;
        }

        @Override
        public String toString() {
            return id + "(mqtt " + address.key() + ")";
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            stats.brokerDisconnects.incrementAndGet();
            LOG.warn("mqtt: broker {} disconnected ({}); reconnecting, the meetings go on", shown, response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("mqtt: {}", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                arrived(topic, message);
            } catch (RuntimeException e) {
                LOG.error("mqtt: a message on {} failed", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            if (reconnect) {
                LOG.info("mqtt: reconnected to {}", serverURI);
            }
            subscribe(); // a clean start: the subscription is made afresh on every connection
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Session s : sessions.values()) {
            s.close("server shutting down");
        }
        timer.shutdown();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("mqtt: disconnect: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("mqtt: close: {}", e.getMessage());
        }
    }
}
