package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.sfu.signal.SelfSignedTls;
import io.ams.sfu.signal.SignalingHandler;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ICE-TCP on the HTTPS port ({@code --ice-tcp-port https}): one TCP port, a real TLS connection to it is answered
 * over HTTPS, and a STUN Binding request in RFC 4571 framing with a peer's credentials sent to the same port is
 * answered by that peer's ice4j agent on the same connection; the peer announces a passive TCP candidate on the
 * HTTPS port, not its loopback listener. Bad input: a connection that is neither (closed, counted), one that sends
 * nothing (closed after the limit, counted); a client that goes away takes the relayed loopback connection with it.
 */
class IceTcpOnHttpsPortTest {
    private static final DtlsIdentity IDENTITY = DtlsIdentity.generate();

    @TempDir
    Path dir;
    MediaPort media;
    SignalingServer https;

    @BeforeEach
    void start() throws Exception {
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of());
        media = MediaPort.open(TransportConfig.sharingTcp("127.0.0.1", 0, List.of("198.51.100.1"), Duration.ofSeconds(10)),
                IDENTITY);
        https = SignalingServer.start(new NoSignaling(), "127.0.0.1", 0, tls.certFile(), tls.keyFile());
        https.shareWithIceTcp(media.tcpRelayTarget());
        media.announceTcp(https.port(), List.of("127.0.0.1"));
    }

    @AfterEach
    void stop() {
        if (https != null) {
            https.close();
        }
        if (media != null) {
            media.close();
        }
    }

    @Test
    void theCandidatesNameTheHttpsPortAndNotTheLoopbackListener() {
        List<String> candidates = media.newPeer("a").localCandidates();
        assertThat(media.tcpPort()).isEqualTo(https.port());
        assertThat(candidates).anyMatch(c -> c.matches(
                "candidate:\\S+ 1 tcp \\d+ 127\\.0\\.0\\.1 " + https.port() + " typ host tcptype passive"));
        assertThat(candidates).anyMatch(c -> c.contains(" 198.51.100.1 " + https.port() + " typ srflx ")
                && c.endsWith("tcptype passive"));
        assertThat(candidates).noneMatch(c -> c.contains(" " + media.tcpRelayTarget().getPort() + " typ"));
    }

    @Test
    void tlsGetsHttpsAndFramedStunGetsABindingAnswerOnTheSamePort() throws Exception {
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", https.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(reply).startsWith("HTTP/1.1 200").contains("alive");
        }
        PeerTransport peer = media.newPeer("tcp-peer");
        peer.setRemoteParameters("remoteufrag", "remote-password-0123456789", IDENTITY.fingerprintSha256(), true);
        peer.start();
        byte[] transaction = new byte[12];
        new Random(11).nextBytes(transaction);
        byte[] request = IceTcpTest.bindingRequest(peer.localUfrag() + ":remoteufrag", peer.localPassword(), transaction);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https.port())) {
            s.setSoTimeout(5000);
            byte[] response = exchange(s, request, transaction);
            assertThat(response).as("an answer to our transaction").isNotNull();
            assertThat(ByteBuffer.wrap(response).getShort() & 0xFFFF).as("Binding success response").isEqualTo(0x0101);
            assertThat(https.stats().iceTcpRelayed.get()).isEqualTo(1);
            assertThat(https.stats().iceTcpOpen.get()).isEqualTo(1);
        }
        assertThat(await(() -> https.stats().iceTcpOpen.get() == 0)).as("the relay ends with the client").isTrue();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https.port())) {
            s.setSoTimeout(5000);
            new DataOutputStream(s.getOutputStream()).writeShort(request.length);
            s.getOutputStream().write(request);
            assertThat(await(() -> https.stats().iceTcpOpen.get() == 1)).isTrue();
            peer.close(); // ice4j drops the peer's connections: the relay closes the client's too
            InputStream in = s.getInputStream();
            int n = 0;
            while (in.read() >= 0 && n++ < 100_000) {
                // the answers ice4j sent before
            }
            assertThat(await(() -> https.stats().iceTcpOpen.get() == 0)).as("the relay ends with ice4j's side").isTrue();
        }
    }

    @Test
    void plainHttpAndIceTcpShareAPortToo() throws Exception {
        try (SignalingServer http = SignalingServer.start(new NoSignaling(), "127.0.0.1", 0, null, null)) {
            http.shareWithIceTcp(media.tcpRelayTarget());
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            }
            PeerTransport peer = media.newPeer("plain-peer");
            peer.setRemoteParameters("remoteufrag", "remote-password-0123456789", IDENTITY.fingerprintSha256(), true);
            peer.start();
            byte[] transaction = new byte[12];
            new Random(13).nextBytes(transaction);
            byte[] request = IceTcpTest.bindingRequest(peer.localUfrag() + ":remoteufrag", peer.localPassword(), transaction);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
                s.setSoTimeout(5000);
                byte[] response = exchange(s, request, transaction);
                assertThat(response != null && (ByteBuffer.wrap(response).getShort() & 0xFFFF) == 0x0101)
                        .as("a Binding success answer over the plain HTTP port").isTrue();
            }
            assertThat(http.stats().iceTcpRelayed.get()).isEqualTo(1);
            peer.close();
        }
    }

    /**
     * Sends {@code request} framed as RFC 4571 on {@code s} and returns the first of up to 10 framed messages that
     * answers {@code transaction}, or null.
     */
    private static byte[] exchange(Socket s, byte[] request, byte[] transaction) throws Exception {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(request.length);
        out.write(request);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (int i = 0; i < 10; i++) {
            byte[] m = new byte[in.readUnsignedShort()];
            in.readFully(m);
            if (Arrays.equals(Arrays.copyOfRange(m, 8, 20), transaction)) {
                return m;
            }
        }
        return null;
    }

    @Test
    void unknownFirstBytesAreClosedAndCounted() throws Exception {
        for (String garbage : List.of("GET / HTTP/1.1\r\n\r\n", "\u0000\u0010not stun at all....")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(garbage.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(s.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
            }
        }
        assertThat(https.stats().unknownProtocol.get()).isEqualTo(2);
        assertThat(https.stats().iceTcpRelayed.get()).isZero();
    }

    @Test
    void iceTcpForNoKnownPeerIsDroppedOnBothSides() throws Exception {
        byte[] request = IceTcpTest.bindingRequest("nosuchufrag:remoteufrag", "some-password-0123456789", new byte[12]);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(request.length);
            out.write(request);
            out.flush();
            assertThat(s.getInputStream().read()).as("ice4j drops it, and the relay the client's side").isEqualTo(-1);
        }
        assertThat(https.stats().iceTcpRelayed.get()).isEqualTo(1);
        assertThat(await(() -> https.stats().iceTcpOpen.get() == 0)).isTrue();
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        https.silentMillis(300);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https.port())) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            assertThat(in.read()).isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(200L, 4000L);
        }
        assertThat(https.stats().silentConnections.get()).isEqualTo(1);
        new Socket(InetAddress.getLoopbackAddress(), https.port()).close(); // goes away before the limit: not counted
        Thread.sleep(600);
        assertThat(https.stats().silentConnections.get()).isEqualTo(1);
        assertThat(https.stats().unknownProtocol.get()).isZero();
    }

    private static boolean await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    private static final class NoSignaling implements SignalingHandler {
        @Override
        public void onOpen(SignalingSession s) {
        }

        @Override
        public void onMessage(SignalingSession s, String type, JsonNode message) {
        }

        @Override
        public void onClose(SignalingSession s, String reason) {
        }
    }
}
