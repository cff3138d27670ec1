package io.ams.app.meeting;

import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn {@code turnserver} (the Debian package; .ci/run installs it) on loopback, with a
 * configuration and a random shared secret in a temporary folder: TURN over UDP and TCP on one port,
 * TURN over TLS on another with a self-signed certificate, coturn's REST credentials
 * ({@code use-auth-secret}). For tests only it has {@code allow-loopback-peers} (coturn refuses to relay
 * to 127.x by default, and a sidecar bound to loopback is such a peer) and relays on 127.0.0.1;
 * deploy/coturn/turnserver.conf is the production configuration.
 */
final class Coturn implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/turnserver");
    static final String REALM = "ams.test";

    final int port;
    final int tlsPort;
    final String secret = UUID.randomUUID().toString();
    final Path dir;
    final Path log;
    private final Process process;

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts coturn on loopback and waits until it accepts TCP on both ports. */
    Coturn(Path parent) throws IOException, InterruptedException {
        this(parent, null);
    }

    /** @param alsoOn another address of this host to listen on as well (null: loopback only) */
    Coturn(Path parent, String alsoOn) throws IOException, InterruptedException {
        dir = Files.createDirectories(parent.resolve("coturn"));
        port = freePort();
        tlsPort = freePort();
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of("127.0.0.1"));
        log = dir.resolve("turnserver.log");
        Path config = dir.resolve("turnserver.conf");
        Files.writeString(config, String.join("\n",
                "listening-ip=127.0.0.1",
                alsoOn == null ? "" : "listening-ip=" + alsoOn,
                "relay-ip=127.0.0.1",
                "listening-port=" + port,
                "tls-listening-port=" + tlsPort,
                "min-port=49152",
                "max-port=65000",
                "use-auth-secret",
                "static-auth-secret=" + secret,
                "realm=" + REALM,
                "fingerprint",
                "cert=" + tls.certFile(),
                "pkey=" + tls.keyFile(),
                "no-dtls",
                "no-cli",
                "no-multicast-peers",
                "allow-loopback-peers", // test only: coturn refuses loopback peers by default
                "no-software-attribute",
                "pidfile=" + dir.resolve("turnserver.pid"),
                "log-file=" + log,
                "simple-log",
                "verbose",
                ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString(), "--no-stdout-log")
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!(listening(port) && listening(tlsPort))) {
            if (!process.isAlive() || System.nanoTime() > end) {
                close();
                throw new IOException("turnserver did not start (exit " + (process.isAlive() ? "-" : process.exitValue())
                        + "): " + tail());
            }
            Thread.sleep(100);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free for both TCP and UDP a moment ago. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket t = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.getLocalPort()))) {
                return t.getLocalPort();
            } catch (IOException e) {
                // the UDP side was taken: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }

    /** The secret in a file, mode 0600, as an operator gives it with --turn-secret-file. */
    Path secretFile() throws IOException {
        Path f = dir.resolve("turn.secret");
        Files.writeString(f, secret + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /** TURN/UDP, TURN/TCP and TURN/TLS URIs of this server at {@code host}. */
    List<TurnUri> uris(String host) {
        List<TurnUri> uris = new ArrayList<>();
        uris.add(TurnUri.parse("turn:" + host + ":" + port + "?transport=udp"));
        uris.add(TurnUri.parse("turn:" + host + ":" + port + "?transport=tcp"));
        uris.add(TurnUri.parse("turns:" + host + ":" + tlsPort + "?transport=tcp"));
        return uris;
    }

    /** The ICE servers a sidecar hands out for this coturn on loopback (credentials for {@code ttl}). */
    IceServers iceServers(Duration ttl) {
        return iceServers("127.0.0.1", ttl);
    }

    /** The same at {@code host}. */
    IceServers iceServers(String host, Duration ttl) {
        return new IceServers(uris(host), TurnSecret.of(secret), ttl);
    }

    /** The end of coturn's log, for assertion messages. */
    String tail() {
        return TestDaemon.tail(log, dir.resolve("turnserver.out"));
    }

    @Override
    public void close() {
        TestDaemon.stop(process);
    }
}
