package io.ams.engine.synth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.TestPattern;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPayload;
import io.ams.rtp.VideoCodec;

/**
 * A synthetic participant: draws a moving test pattern in its own colour with its name, encodes
 * it (VP8 or H.264) and sends it as RTP over UDP, in real time, like a camera would. Used by
 * {@code ams demo} and the benchmarks. Owns its encoder, frame and thread; {@link #close()}
 * stops and frees them.
 */
public final class SyntheticParticipant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyntheticParticipant.class);

    private final String name;
    private final int rgb;
    private final int payloadType;
    private final long ssrc;
    private final InetSocketAddress target;
    private final VideoFrame frame;              // owned
    private final VideoEncoder encoder;          // owned
    private final Packetizer packetizer;
    private final DatagramChannel channel;       // owned
    private final TestPattern pattern = new TestPattern();
    private final ScheduledExecutorService timer; // owned
    private final ByteBuffer out = ByteBuffer.allocateDirect(2048);
    private final byte[] header = new byte[12];
    private final AtomicLong framesSent = new AtomicLong();
    private final int fps;
    private int seq;
    private long index;
    private final Object lock = new Object();
    private boolean closed;
    private volatile boolean keyframeRequested;
    private volatile FrameSentListener listener;

    /** Told when a frame's last packet has left (for latency measurement). */
    public interface FrameSentListener {
        void onFrameSent(long rtpTimestamp, long nanos);
    }

    public SyntheticParticipant(String name, int rgb, VideoCodec codec, int width, int height, int fps,
                                int bitrateKbps, String host, int port, int payloadType, long ssrc) throws IOException {
        this.name = name;
        this.rgb = rgb;
        this.fps = fps;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.target = new InetSocketAddress(host, port);
        this.packetizer = Packetizer.forCodec(codec, 1200);
        this.frame = VideoFrame.allocateYuv420(width, height);
        VideoEncoder enc;
        try {
            enc = VideoEncoder.create(new EncoderConfig(codec, width, height, fps, bitrateKbps, fps * 2));
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        this.encoder = enc;
        this.channel = DatagramChannel.open();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "synthetic-" + name);
            t.setDaemon(true);
            return t;
        });
        this.seq = (int) (ssrc & 0x7fff);
    }

    public void setListener(FrameSentListener l) {
        this.listener = l;
    }

    /** Starts sending at the configured rate. */
    public SyntheticParticipant start() {
        timer.scheduleAtFixedRate(this::sendFrame, 0, 1_000_000_000L / fps, TimeUnit.NANOSECONDS);
        return this;
    }

    public void requestKeyframe() {
        keyframeRequested = true;
    }

    public long framesSent() {
        return framesSent.get();
    }

    public String name() {
        return name;
    }

    /** Draws, encodes and sends one frame now (also usable without {@link #start()}). */
    public void sendFrame() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                pattern.draw(frame, rgb, name, index);
                boolean key = keyframeRequested;
                keyframeRequested = false;
                List<EncodedFrame> frames = encoder.encode(frame, index, key);
                index++;
                for (EncodedFrame f : frames) {
                    for (RtpPayload p : packetizer.packetize(f)) {
                        RtpHeaderWriter.write(header, 0, p.marker(), payloadType, seq, f.rtpTimestamp(), ssrc);
                        seq = (seq + 1) & 0xffff;
                        out.clear();
                        out.put(header).put(p.data()).flip();
                        channel.send(out, target);
                    }
                    framesSent.incrementAndGet();
                    FrameSentListener l = listener;
                    if (l != null) {
                        l.onFrameSent(f.rtpTimestamp(), System.nanoTime());
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("synthetic participant {}: {}", name, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            encoder.close();
            frame.release();
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing channel: {}", e.toString());
            }
        }
    }
}
