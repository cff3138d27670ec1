package io.ams.sfu.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A signaling client for tests: the JDK's WebSocket, every message it gets parsed into a queue. */
public final class WsClient implements WebSocket.Listener {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
    final StringBuilder partial = new StringBuilder();
    public volatile boolean closed;
    volatile String closeReason;
    public WebSocket ws;

    public static WsClient open(int httpPort) throws Exception {
        WsClient c = new WsClient();
        c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), c)
                .get(10, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                in.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                in.add(JSON.createObjectNode().put("type", "unparseable"));
            }
            partial.setLength(0);
        }
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        closeReason = reason;
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
        closed = true;
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    /** The next message of {@code type} (any type if null) within 10 s; others before it are skipped. */
    public JsonNode next(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            JsonNode m = in.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && (type == null || type.equals(m.path("type").asText()))) {
                return m;
            }
        }
        throw new AssertionError("no '" + type + "' message within 10 s");
    }
}
