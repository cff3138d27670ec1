package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 on the sidecar's HTTPS port (issue 12 part 5), seen by clients that report the protocol they got:
 * the JDK's HttpClient (response.version()) and, where installed, curl (%{http_version}). The page, its
 * files, /healthz and the error answers come over h2 with the same bodies and headers as over HTTP/1.1; a
 * client that asks for HTTP/1.1 still gets it; the plain-HTTP sidecar stays HTTP/1.1 (no h2c). No engine
 * runs. The browser's own view (nextHopProtocol) and a meeting beside it: ProxyBrowserIT in the app module.
 */
class Http2ServingTest {
    @TempDir
    static Path dir;
    static SelfSignedTls tls;
    static Sidecar https;
    static Sidecar plain;
    static HttpClient h2;
    static HttpClient h1;

    @BeforeAll
    static void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of());
        https = Sidecar.start(SidecarConfig.defaults(dir.resolve("https")).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed).withTls(tls.certFile(), tls.keyFile()));
        plain = Sidecar.start(SidecarConfig.defaults(dir.resolve("plain")).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed));
        var trust = SidecarTlsTest.trustingOnly(SelfSignedTlsTest.jdkParse(tls.certFile()));
        h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(10)).build();
        h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (https != null) {
            https.close();
        }
        if (plain != null) {
            plain.close();
        }
    }

    static String base() {
        return "https://127.0.0.1:" + https.httpPort();
    }

    static HttpResponse<String> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndTheHealthCheckComeOverH2() throws Exception {
        HttpResponse<String> page = get(h2, base() + "/?room=r&name=Ada");
        assertThat(page.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("main-video").contains("mix-video");
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValue(SignalingServer.CONTENT_SECURITY_POLICY);
        assertThat(page.headers().firstValue("connection")).as("no connection-specific header on h2").isEmpty();

        HttpResponse<String> health = get(h2, base() + "/healthz");
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
    }

    @Test
    void theClientsScriptAndErrorsComeOverH2AsOverHttp1() throws Exception {
        for (HttpClient c : List.of(h2, h1)) {
            HttpResponse<String> js = get(c, base() + "/js/ams-client.js");
            HttpResponse<String> overH1 = get(h1, base() + "/js/ams-client.js");
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.body()).isEqualTo(overH1.body()).isNotEmpty();
            HttpResponse<String> missing = get(c, base() + "/js/nothing-here.js");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("not found: /js/nothing-here.js\n");
            HttpResponse<String> post = c.send(HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void fortyConcurrentRequestsAreAllAnsweredOverH2() throws Exception {
        long before = https.signaling().stats().httpRequests.get();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(h2.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : all) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("ok\n");
        }
        assertThat(https.signaling().stats().httpRequests.get() - before).isEqualTo(40);
    }

    /** Bad input on h2: request headers over the advertised limit get 431, and the connection serves on. */
    @Test
    void oversizedHeadersGet431OnH2() throws Exception {
        HttpResponse<String> big = h2.send(HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                .header("x-big", "a".repeat(Http2Pipeline.MAX_HEADER_LIST + 1024)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(big.statusCode()).isEqualTo(431);
        HttpResponse<String> after = get(h2, base() + "/healthz");
        assertThat(after.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(after.body()).isEqualTo("ok\n");
    }

    @Test
    void aClientAskingForHttp1OverTlsGetsHttp1() throws Exception {
        HttpResponse<String> health = get(h1, base() + "/healthz");
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(health.body()).isEqualTo("ok\n");
    }

    @Test
    void plainHttpStaysHttp1() throws Exception {
        // the JDK client offers h2c by Upgrade on http://; the server answers in HTTP/1.1
        HttpResponse<String> health = get(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(),
                "http://127.0.0.1:" + plain.httpPort() + "/healthz");
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
    }

    /** curl with its own HTTP/2 stack (nghttp2) reports the protocol it spoke: "2". */
    @Test
    void curlSpeaksH2ToThePageAndTheHealthCheck() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "curl is not installed");
        for (String path : List.of("/", "/healthz")) {
            Process p = new ProcessBuilder(curl.toString(), "-sS", "--http2", "--cacert", tls.certFile().toString(),
                    "-o", "/dev/null", "-w", "%{http_version} %{http_code}", base() + path).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("curl " + path).isEqualTo("2 200");
        }
    }
}
