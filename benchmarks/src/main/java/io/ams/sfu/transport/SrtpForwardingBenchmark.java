package io.ams.sfu.transport;

import io.ams.bench.sfu.ForwardingBenchmark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.jitsi.srtp.SrtpErrorStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SFU's per-packet forwarding cost with SRTP, on one thread: a packet arrives SRTP-protected
 * (AES-128-CM + HMAC-SHA1-80, what Chrome and aiortc negotiate), is authenticated and decrypted with
 * the sender's context, parsed, rewritten onto the receiver's stable SSRC, cached for NACKs, protected
 * with the receiver's context and (with {@code loopback=true}) sent through a UDP socket to a
 * receiver on 127.0.0.1. {@code senderOnly} measures just the test's own encryption of the incoming
 * packet, to subtract.
 *
 * <p>Throughput in ops/s is packets/s per core; run with {@code -bm sample} for the per-packet added
 * latency percentiles. Lives in the transport package because the SRTP session is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SrtpForwardingBenchmark {
    @Param({"1200"})
    public int packetBytes;

    @Param({"false", "true"})
    public boolean loopback;

    private final ForwardingBenchmark relay = new ForwardingBenchmark();
    private SrtpSession browser;   // the sender's side (DTLS client)
    private SrtpSession sfuIn;     // our side of the sender's connection
    private SrtpSession sfuOut;    // our side of the receiver's connection
    private byte[] plain;
    private byte[] wire;
    private PacketBuffer buf;
    private PacketBuffer outBuf;
    private DatagramChannel tx;
    private DatagramChannel rx;
    private Thread drain;
    private volatile boolean running;
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        relay.packetBytes = packetBytes;
        relay.setUp();
        byte[] blockIn = new byte[2 * (16 + 14)];
        byte[] blockOut = new byte[2 * (16 + 14)];
        new SecureRandom().nextBytes(blockIn);
        new SecureRandom().nextBytes(blockOut);
        browser = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, blockIn, true);
        sfuIn = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, blockIn, false);
        sfuOut = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, blockOut, false);
        plain = ForwardingBenchmark.vp8Packet(0x1111L, 0, true, packetBytes);
        wire = new byte[packetBytes + SrtpSession.MAX_OVERHEAD];
        buf = new PacketBuffer(wire, 0, packetBytes);
        outBuf = new PacketBuffer(new byte[packetBytes + 64], 0, 0);
        if (loopback) {
            rx = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            tx = DatagramChannel.open();
            tx.connect(rx.getLocalAddress());
            running = true;
            drain = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocate(2048);
                while (running) {
                    try {
                        b.clear();
                        rx.receive(b);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "loopback-receiver");
            drain.setDaemon(true);
            drain.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        running = false;
        if (tx != null) {
            tx.close();
            rx.close();
        }
        relay.check();
    }

    /** The sender's encryption alone (part of every forward below; subtract it). */
    @Benchmark
    public int senderOnly() {
        return arrive();
    }

    /** One forwarded packet: decrypt, parse, rewrite, cache, encrypt, (send). */
    @Benchmark
    public int forward() throws IOException {
        int len = arrive();
        buf.reset(wire, 0, len);
        if (sfuIn.unprotectRtp(buf) != SrtpErrorStatus.OK) {
            throw new IllegalStateException("unprotect failed");
        }
        byte[] out = outBuf.getBuffer();
        int n = relay.forward(wire, buf.getLength(), System.nanoTime(), out);
        if (n <= 0) {
            return n;
        }
        outBuf.reset(out, 0, n);
        if (sfuOut.protectRtp(outBuf) != SrtpErrorStatus.OK) {
            throw new IllegalStateException("protect failed");
        }
        if (tx != null) {
            tx.write(ByteBuffer.wrap(out, 0, outBuf.getLength()));
        }
        return outBuf.getLength();
    }

    private int arrive() {
        ForwardingBenchmark.stamp(plain, counter++);
        System.arraycopy(plain, 0, wire, 0, plain.length);
        buf.reset(wire, 0, plain.length);
        if (browser.protectRtp(buf) != SrtpErrorStatus.OK) {
            throw new IllegalStateException("protect failed");
        }
        return buf.getLength();
    }
}
