package io.ams.app.meeting;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real tinyproxy (the Debian package; .ci/run installs it), the HTTP proxy of a corporate network: started by
 * the test in the foreground with its own configuration, log and pid file in a temporary folder (not as the
 * package's service), listening on one address, allowing clients from one subnet, CONNECT only to the ports
 * given (as corporate proxies allow 443 only), and optionally requiring HTTP Basic authentication.
 */
final class TinyProxy implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/tinyproxy");

    final String host;
    final int port;
    final Path log;
    private final String user;
    private final String password;
    private final Process process;
    private final Path dir;

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * @param allow the clients' subnet (CIDR)
     * @param connectPorts the only ports CONNECT may reach
     * @param user with {@code password}: Basic authentication required (null: none)
     */
    TinyProxy(Path parent, String name, String host, String allow, List<Integer> connectPorts, String user, String password)
            throws IOException, InterruptedException {
        this.host = host;
        this.user = user;
        this.password = password;
        dir = Files.createDirectories(parent.resolve("tinyproxy-" + name));
        log = dir.resolve("tinyproxy.log");
        port = freePort(host);
        List<String> conf = new ArrayList<>(List.of(
                "Port " + port,
                "Listen " + host,
                "Timeout 600",
                "LogFile \"" + log + "\"",
                "LogLevel Info", // Info names each request line: "Request (file descriptor N): CONNECT host:port HTTP/1.1"
                "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                "MaxClients 100",
                "Allow " + allow,
                "DisableViaHeader Yes"));
        for (int p : connectPorts) {
            conf.add("ConnectPort " + p);
        }
        if (user != null) {
            conf.add("BasicAuth " + user + " " + password);
        }
        Path config = dir.resolve("tinyproxy.conf");
        Files.writeString(config, String.join("\n", conf) + "\n");
        process = new ProcessBuilder(BINARY.toString(), "-d", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() > end) {
                close();
                throw new IOException("tinyproxy did not start (exit " + (process.isAlive() ? "-" : process.exitValue())
                        + "): " + tail());
            }
            Thread.sleep(100);
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /** The proxy URL for Chromium's --proxy-server. */
    String url() {
        return "http://" + host + ":" + port;
    }

    /** Whether the log has a CONNECT to {@code target} (host:port) from a client at {@code from}. */
    boolean connected(String from, String target) throws IOException {
        return connects(from, target) > 0;
    }

    /** How many CONNECTs to {@code target} (host:port) from a client at {@code from} the log has. */
    int connects(String from, String target) throws IOException {
        int n = 0;
        // tinyproxy logs "Connect (file descriptor N): FROM" and then "Request (file descriptor N): CONNECT ..."
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        java.util.Map<String, String> clientOfFd = new java.util.HashMap<>();
        for (String l : lines) {
            java.util.regex.Matcher c = java.util.regex.Pattern.compile("Connect \\(file descriptor (\\d+)\\): (\\S+)").matcher(l);
            if (c.find()) {
                clientOfFd.put(c.group(1), c.group(2));
            }
            java.util.regex.Matcher r = java.util.regex.Pattern.compile("Request \\(file descriptor (\\d+)\\): CONNECT (\\S+) ")
                    .matcher(l);
            if (r.find() && r.group(2).equals(target) && from.equals(clientOfFd.get(r.group(1)))) {
                n++;
            }
        }
        return n;
    }

    /**
     * The proxy's status line for a CONNECT to {@code target} sent by this JVM, with Basic credentials when
     * {@code withCredentials}; and its Proxy-Authenticate header, if any, after a tab.
     */
    String connectStatus(String target, boolean withCredentials) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
            if (withCredentials) {
                req.append("Proxy-Authorization: Basic ").append(Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            String[] lines = head.toString().split("\r\n");
            String auth = "";
            for (String l : lines) {
                if (l.toLowerCase(java.util.Locale.ROOT).startsWith("proxy-authenticate:")) {
                    auth = l.substring(l.indexOf(':') + 1).strip();
                }
            }
            return lines[0] + "\t" + auth;
        }
    }

    /** The end of tinyproxy's log, for assertion messages. */
    String tail() {
        return TestDaemon.tail(log, dir.resolve("tinyproxy.out"));
    }

    @Override
    public void close() {
        TestDaemon.stop(process);
    }
}
