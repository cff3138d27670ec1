package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar over HTTPS and WSS with a certificate from {@link SelfSignedTls}, seen by a client that
 * trusts exactly that certificate (and checks the host name against it), by one that trusts only the
 * JDK's authorities, and by one that speaks plain HTTP to the HTTPS port. No engine runs.
 */
class SidecarTlsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static SelfSignedTls tls;
    static Sidecar sidecar;
    static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of());
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed).withTls(tls.certFile(), tls.keyFile()));
        trusting = HttpClient.newBuilder().sslContext(trustingOnly(SelfSignedTlsTest.jdkParse(tls.certFile())))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    /** An SSLContext whose only trust anchor is {@code cert}; the HTTP client still checks the host name. */
    static SSLContext trustingOnly(X509Certificate cert) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ams-self-signed", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static String base() {
        return "https://127.0.0.1:" + sidecar.httpPort();
    }

    @Test
    void aClientTrustingTheCertificateGetsTheHealthCheckAndTheWebClient() throws Exception {
        assertThat(sidecar.signaling().tls()).isTrue();
        assertThat(sidecar.joinUrl("127.0.0.1", "r", "Ada")).startsWith("https://127.0.0.1:");
        HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        HttpResponse<String> index = trusting.send(HttpRequest.newBuilder(URI.create(base() + "/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("main-video").contains("mix-video");
        assertThat(index.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLSv1."));
    }

    @Test
    void aWssJoinIsAnswered() throws Exception {
        BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        WebSocket ws = trusting.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + sidecar.httpPort() + "/ws"),
                new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                in.add(JSON.readTree(partial.toString()));
                            } catch (IOException e) {
                                in.add(JSON.createObjectNode().put("type", "unparseable"));
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText(JSON.createObjectNode().put("type", "join").put("room", "tls-room").put("name", "Ada")
                    .put("token", sidecar.tokens().issue("tls-room", "Ada", Duration.ofMinutes(5))).toString(), true).join();
            JsonNode m = in.poll(10, TimeUnit.SECONDS);
            while (m != null && !"joined".equals(m.path("type").asText())) {
                m = in.poll(10, TimeUnit.SECONDS);
            }
            assertThat(m).as("a 'joined' answer over wss").isNotNull();
            assertThat(m.path("participantId").asText()).isNotEmpty();
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plainHttpToTheHttpsPortGetsNothingInClear() throws Exception {
        try (Socket s = new Socket("127.0.0.1", sidecar.httpPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // the server may reset the connection instead of closing it: either way nothing more comes
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("HTTP/1.1").doesNotContain("ok\n");
        }
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/healthz"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        HttpClient jdkDefaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> jdkDefaults.send(HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }
}
