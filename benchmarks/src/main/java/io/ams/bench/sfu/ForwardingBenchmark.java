package io.ams.bench.sfu;

import java.util.concurrent.TimeUnit;

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

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.ext.TransportSequenceNumber;
import io.ams.sfu.relay.PacketCache;
import io.ams.sfu.relay.StreamRewriter;
import io.ams.sfu.relay.TwccFeedback;

/**
 * The SFU's per-packet relay path for one incoming VP8 packet and one receiver slot: parse the
 * RTP packet, read its transport-wide sequence number and record it for transport-cc feedback,
 * rewrite it through a {@link StreamRewriter} (SSRC, PT, seq, timestamp, PictureID, TL0PICIDX) into
 * an output buffer, and store the result in the slot's {@link PacketCache}. Score: packets/s, one
 * thread. Packets come from a ring of pre-built {@code packetBytes}-byte packets with a header
 * extension, as Chrome sends them, re-stamped with a running sequence number, timestamp,
 * transport-wide sequence number and PictureID before each step (a few byte stores); one in 300 is a
 * keyframe start and every 1000 packets the slot switches between two sources (so the switch path
 * is part of the mix).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar ForwardingBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s}
 *
 * <p>Extending: {@link #forward(byte[], int, long)} is the whole path for one packet and returns the
 * output length; a later stage (SRTP protect) goes after the cache put, on {@code out}.
 *
 * <p>Owns: the packet ring, the output buffer, the rewriter, cache and feedback recorder, all made in
 * {@link #setUp()}; nothing native.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ForwardingBenchmark {
    static final int RING = 3000; // 3 blocks of 1000 packets (one source each), keyframe every 300, 3 packets a frame
    static final int TWCC_EXT_ID = 3;

    @Param({"200", "1200"})
    public int packetBytes;

    private byte[][] packets;
    private final byte[] out = new byte[1500];
    private final HeaderExtensions ext = new HeaderExtensions();
    private StreamRewriter rewriter;
    private PacketCache cache;
    private TwccFeedback twcc;
    private long keyframeRequests;
    private int next;
    private int counter;
    private long clock;

    @Setup(Level.Trial)
    public void setUp() {
        packets = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            long ssrc = (i / 1000) % 2 == 0 ? 0x1111L : 0x2222L;
            packets[i] = vp8Packet(ssrc, i, i % 300 == 0, packetBytes);
        }
        rewriter = new StreamRewriter(0xABCDEFL, 96, VideoCodec.VP8, VideoCodec.RTP_CLOCK_RATE, 1, 0,
                500_000_000L, ssrc -> keyframeRequests++);
        cache = PacketCache.standard();
        twcc = new TwccFeedback(0xABCDEFL, 0x1111L, 100_000_000L);
        rewriter.switchTo(0x1111L, 0);
    }

    /** Fails the run if most packets were dropped: then it would measure the drop path, not forwarding. */
    @TearDown(Level.Trial)
    public void check() {
        long total = rewriter.forwarded() + rewriter.dropped();
        if (rewriter.forwarded() < total * 0.9) {
            throw new IllegalStateException("forwarded " + rewriter.forwarded() + " of " + total + " packets");
        }
        System.out.printf("%nforwarded %d, dropped %d, switches %d, keyframe requests %d, cache hits/misses %d/%d%n",
                rewriter.forwarded(), rewriter.dropped(), rewriter.switches(), keyframeRequests, cache.hits(), cache.misses());
    }

    /** One relay step: a packet arrived; returns the output length (or {@link StreamRewriter#DROPPED}). */
    @Benchmark
    public int forwardOne() {
        byte[] p = packets[next];
        if (next % 1000 == 0) {
            rewriter.switchTo(rewriter.currentSource() == 0x1111L ? 0x2222L : 0x1111L, clock);
        }
        stamp(p, counter);
        next = next + 1 == RING ? 0 : next + 1;
        counter++;
        clock += 1_000_000L; // 1000 packets/s of simulated arrival time
        return forward(p, p.length, clock);
    }

    /** The per-packet path: parse, TWCC record, rewrite into {@code out}, cache. */
    public int forward(byte[] pkt, int len, long nowNanos) {
        return forward(pkt, len, nowNanos, out);
    }

    /** The same, rewriting into the caller's {@code dst}. */
    public int forward(byte[] pkt, int len, long nowNanos, byte[] dst) {
        RtpPacket rtp;
        try {
            rtp = RtpPacket.parse(pkt, 0, len, nowNanos);
            if (ext.wrap(pkt, 0, len)) {
                int tseq = TransportSequenceNumber.read(ext, TWCC_EXT_ID);
                if (tseq >= 0) {
                    twcc.onPacket(tseq, nowNanos);
                }
            }
        } catch (RtpFormatException e) {
            return StreamRewriter.DROPPED;
        }
        int n = rewriter.rewrite(rtp, nowNanos, dst, 0);
        if (n > 0) {
            cache.put(dst, 0, n, nowNanos);
        }
        if ((next & 127) == 0) {
            twcc.poll(nowNanos); // feedback every ~100 packets, as the transport's timer would
        }
        return n;
    }

    /** Writes a running seq, timestamp (3 packets a frame), transport-wide seq and PictureID into a ring packet. */
    public static void stamp(byte[] b, int counter) {
        int seq = counter & 0xFFFF;
        long ts = (counter / 3) * 3000L;
        int picId = (counter / 3) & 0x7FFF;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (ts >>> 24);
        b[5] = (byte) (ts >>> 16);
        b[6] = (byte) (ts >>> 8);
        b[7] = (byte) ts;
        b[17] = (byte) (seq >>> 8); // transport-wide seq: one-byte extension element at 16, value at 17
        b[18] = (byte) seq;
        b[22] = (byte) (0x80 | (picId >>> 8));
        b[23] = (byte) picId;
        b[24] = (byte) picId; // TL0PICIDX
    }

    public static byte[] vp8Packet(long ssrc, int index, boolean key, int size) {
        byte[] b = new byte[size];
        RtpHeaderWriter.write(b, 0, false, 96, 0, 0, ssrc);
        b[0] |= 0x10; // X: header extension
        int n = HeaderExtensions.writeBlock(b, 12, new int[]{TWCC_EXT_ID}, new byte[][]{{0, 0}});
        int p = 12 + n; // 20: VP8 payload descriptor
        b[p++] = (byte) (0x80 | (index % 3 == 0 ? 0x10 : 0));
        b[p++] = (byte) 0xC0; // I and L
        p += 3; // 15-bit PictureID and TL0PICIDX, stamped per step
        b[p] = (byte) (key ? 0x00 : 0x01);
        b[p + 3] = (byte) 0x9D;
        b[p + 4] = 0x01;
        b[p + 5] = 0x2A;
        return b;
    }
}
