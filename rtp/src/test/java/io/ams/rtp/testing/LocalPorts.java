package io.ams.rtp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** UDP port helpers for tests that let an external process (ffmpeg) receive. */
public final class LocalPorts {
    private LocalPorts() {
    }

    /** An even UDP port on 127.0.0.1 that is free together with the next one (RTP + RTCP). */
    public static int freeRtpPortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = a.getLocalPort();
                if (port % 2 != 0 || port > 65000) {
                    continue;
                }
                try (DatagramSocket b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1))) {
                    return port;
                } catch (IOException busy) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free UDP port pair");
    }

    /** Waits until some process has a UDP socket bound to {@code port} (Linux /proc/net/udp). */
    public static boolean awaitUdpBound(int port, Duration timeout) throws InterruptedException {
        String hex = String.format(Locale.ROOT, ":%04X ", port);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (String f : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
                    Path p = Path.of(f);
                    if (Files.exists(p)) {
                        for (String line : Files.readAllLines(p)) {
                            String[] cols = line.trim().split("\\s+");
                            if (cols.length > 1 && (cols[1] + " ").endsWith(hex)) {
                                return true;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(20);
        }
        return false;
    }
}
