package io.ams.app.meeting;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of a shaped link, as an access network's bottleneck behaves: a token bucket of
 * {@code rate} bits per second drains a drop-tail queue of at most {@code maxQueueMillis} of data
 * (packets that would wait longer are lost), and every packet is delayed a further {@code delayMillis}
 * (propagation). Rate 0 means unlimited. Rate and delay may change while packets flow; the queue is
 * served in order. One thread per link sends the packets when they are due.
 */
final class LinkShaper implements AutoCloseable {
    private record Due(long atNanos, byte[] data, DatagramSocket via, SocketAddress to) {
    }

    private final LinkedBlockingQueue<Due> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile long rateBps;
    private volatile long delayMillis;
    private final long maxQueueMillis;
    private long departNanos; // when the link finishes sending what is queued (guarded by this)
    private volatile boolean closed;
    final AtomicLong passed = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong bytesPassed = new AtomicLong();

    LinkShaper(String name, long maxQueueMillis) {
        this.maxQueueMillis = maxQueueMillis;
        this.sender = new Thread(this::run, name);
        sender.setDaemon(true);
        sender.start();
    }

    /** Bits per second of the bottleneck from now on; 0 lifts the cap. */
    void setRate(long bps) {
        if (bps < 0) {
            throw new IllegalArgumentException("rate " + bps);
        }
        this.rateBps = bps;
    }

    long rate() {
        return rateBps;
    }

    void setDelay(long millis) {
        this.delayMillis = millis;
    }

    /** Queues {@code data[0..len)} for {@code to} through socket {@code via}, or drops it when the queue is full. */
    void offer(byte[] data, int len, DatagramSocket via, SocketAddress to) {
        long now = System.nanoTime();
        long at;
        synchronized (this) {
            long rate = rateBps;
            long start = Math.max(now, departNanos);
            if (rate > 0) {
                if (start - now > TimeUnit.MILLISECONDS.toNanos(maxQueueMillis)) {
                    dropped.incrementAndGet();
                    return;
                }
                departNanos = start + (len + 28L) * 8 * 1_000_000_000L / rate; // with the IP and UDP headers
                at = departNanos;
            } else {
                departNanos = now;
                at = now;
            }
        }
        queue.add(new Due(at + TimeUnit.MILLISECONDS.toNanos(delayMillis), java.util.Arrays.copyOf(data, len), via, to));
    }

    private void run() {
        while (!closed) {
            Due d;
            try {
                d = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d == null) {
                continue;
            }
            long wait;
            while ((wait = d.atNanos() - System.nanoTime()) > 0 && !closed) {
                LockSupport.parkNanos(wait);
            }
            try {
                d.via().send(new DatagramPacket(d.data(), d.data().length, d.to()));
                passed.incrementAndGet();
                bytesPassed.addAndGet(d.data().length);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
    }
}
