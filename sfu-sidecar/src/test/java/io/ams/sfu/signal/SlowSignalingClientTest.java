package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A signaling client that stops reading while the server has a lot to tell it (a stalled browser
 * tab, a hostile client) is disconnected once 1 MiB waits unread, instead of the server buffering
 * without bound. A real TCP client does the WebSocket handshake and then never reads again.
 */
class SlowSignalingClientTest {
    @Test
    void aClientThatStopsReadingIsCutInsteadOfBuffered() throws Exception {
        String filler = "x".repeat(1000);
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch closed = new CountDownLatch(1);
        SignalingHandler flood = new SignalingHandler() {
            @Override
            public void onOpen(SignalingSession s) {
                ObjectNode m = SignalingServer.message("news");
                m.put("text", filler);
                for (int i = 0; i < 50_000; i++) { // 50 MB: far more than any socket buffer holds
                    s.send(m);
                    sent.incrementAndGet();
                }
            }

            @Override
            public void onMessage(SignalingSession s, String type, JsonNode message) {
            }

            @Override
            public void onClose(SignalingSession s, String reason) {
                closed.countDown();
            }
        };
        try (SignalingServer server = SignalingServer.start(flood, "127.0.0.1", 0, null, null);
             Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = client.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) { // read the 101 answer, then nothing more
                int b = in.read();
                assertThat(b).as("handshake answer").isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");

            assertThat(closed.await(30, TimeUnit.SECONDS)).as("the server gave up on the client").isTrue();
            assertThat(server.stats().slowClients.get()).isEqualTo(1);
            assertThat(sent.get()).isEqualTo(50_000);
        }
    }
}
