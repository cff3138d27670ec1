package io.ams.sfu.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;

/**
 * The datagram pipe BouncyCastle's DTLS runs over: the peer's receive thread {@link #offer}s DTLS records
 * (first byte 20..63) into a bounded queue, BC reads them from {@link #receive}; BC's writes go straight to
 * {@link Output} (the ICE component). Full queue: the record is dropped (DTLS retransmits). After
 * {@link #close()} both directions fail with an IOException, which ends a handshake in progress.
 */
final class QueuedDatagramTransport implements DatagramTransport {
    /** Where outgoing datagrams go. */
    @FunctionalInterface
    interface Output {
        void send(byte[] b, int off, int len) throws IOException;
    }

    /** Largest record we let BC send: stays under a 1280-byte IPv6 path MTU with IP/UDP headers. */
    static final int SEND_LIMIT = 1200;
    static final int RECEIVE_LIMIT = 1500;
    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(64);
    private final Output output;
    private volatile boolean closed;

    QueuedDatagramTransport(Output output) {
        this.output = output;
    }

    /** Queues a copy of one received DTLS datagram; false if dropped (queue full or closed). */
    boolean offer(byte[] b, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        return incoming.offer(copy);
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram;
        try {
            datagram = incoming.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for DTLS");
        }
        if (datagram == null) {
            return -1;
        }
        if (datagram == CLOSED || closed) {
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        output.send(buf, off, len);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            incoming.clear();
            incoming.offer(CLOSED);
        }
    }
}
