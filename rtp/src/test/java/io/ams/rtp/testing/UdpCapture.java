package io.ams.rtp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A UDP socket on 127.0.0.1 (ephemeral port, 4 MiB receive buffer) that collects every datagram
 * on a background thread, as byte[] copies with their arrival {@link System#nanoTime()}.
 * Close it to stop the thread.
 */
public final class UdpCapture implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    private final List<byte[]> packets = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();

    public UdpCapture() {
        try {
            socket = new DatagramSocket(null);
            socket.setReceiveBufferSize(4 << 20);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open capture socket", e);
        }
        thread = new Thread(this::receiveLoop, "udp-capture-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    private void receiveLoop() {
        byte[] buf = new byte[65536];
        DatagramPacket dp = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                dp.setLength(buf.length);
                socket.receive(dp);
                long now = System.nanoTime();
                byte[] copy = Arrays.copyOfRange(buf, dp.getOffset(), dp.getOffset() + dp.getLength());
                synchronized (packets) {
                    packets.add(copy);
                    arrivals.add(now);
                    packets.notifyAll();
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The local port (on 127.0.0.1). */
    public int port() {
        return socket.getLocalPort();
    }

    /** A snapshot of the datagrams received so far, in arrival order. */
    public List<byte[]> packets() {
        synchronized (packets) {
            return new ArrayList<>(packets);
        }
    }

    /** A snapshot of the arrival times ({@link System#nanoTime()}), parallel to {@link #packets()}. */
    public List<Long> arrivalNanos() {
        synchronized (packets) {
            return new ArrayList<>(arrivals);
        }
    }

    /** Waits until at least {@code n} datagrams arrived; returns whether they did within {@code timeout}. */
    public boolean awaitPackets(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (packets) {
            while (packets.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                packets.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /**
     * Waits until no datagram has arrived for {@code quiet} (and at least one arrived), or until
     * {@code timeout}; returns the number received.
     */
    public int awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            int now;
            synchronized (packets) {
                now = packets.size();
            }
            if (now > 0 && now == seen) {
                return now;
            }
            seen = now;
            Thread.sleep(quiet.toMillis());
        }
        synchronized (packets) {
            return packets.size();
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
