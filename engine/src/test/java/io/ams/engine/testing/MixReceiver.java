package io.ams.engine.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

import io.ams.engine.codec.VideoDecoder;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.ReorderBuffer;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

/**
 * Receives the engine's mix as RTP on a local UDP port (a destination of the room), records when
 * each frame arrived (by RTP timestamp), and decodes the frames with FFmpeg so tests can look at
 * pixels. Decoded pictures are converted to {@link Picture}s right away; no native frame is kept.
 */
public final class MixReceiver implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    private final VideoCodec codec;
    private final List<Long> frameArrivalNanos = new ArrayList<>();
    private final List<Long> frameTimestamps = new ArrayList<>();
    private volatile Picture latest;
    private volatile int decoded;
    private volatile int packets;
    private volatile int keyframes;
    private volatile boolean running = true;

    public MixReceiver(VideoCodec codec) throws SocketException {
        this.codec = codec;
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setReceiveBufferSize(4 << 20);
        socket.setSoTimeout(200);
        this.thread = new Thread(this::run, "mix-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void run() {
        ReorderBuffer reorder = new ReorderBuffer(64, 50_000_000L);
        Depacketizer depacketizer = Depacketizer.forCodec(codec);
        try (VideoDecoder decoder = VideoDecoder.create(codec)) {
            byte[] buf = new byte[2048];
            long lastTs = -1;
            while (running) {
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(dp);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    break;
                }
                long now = System.nanoTime();
                byte[] copy = java.util.Arrays.copyOf(dp.getData(), dp.getLength());
                RtpPacket p;
                try {
                    p = RtpPacket.parse(copy, 0, copy.length, now);
                } catch (RtpFormatException e) {
                    continue;
                }
                packets++;
                if (p.timestamp() != lastTs) {
                    lastTs = p.timestamp();
                    synchronized (this) {
                        frameArrivalNanos.add(now);
                        frameTimestamps.add(p.timestamp());
                    }
                }
                reorder.push(p, pkt -> {
                    EncodedFrame f = depacketizer.push(pkt);
                    if (f != null) {
                        if (f.keyframe()) {
                            keyframes++;
                        }
                        VideoFrame vf = decoder.decode(f);
                        if (vf != null) {
                            try {
                                latest = Picture.of(vf);
                                decoded++;
                            } finally {
                                vf.release();
                            }
                        }
                    }
                });
            }
        }
    }

    /** Arrival times of the first packet of each distinct frame (RTP timestamp). */
    public synchronized List<Long> frameArrivals() {
        return new ArrayList<>(frameArrivalNanos);
    }

    public synchronized List<Long> frameTimestamps() {
        return new ArrayList<>(frameTimestamps);
    }

    public Picture latest() {
        return latest;
    }

    public int decoded() {
        return decoded;
    }

    public int packets() {
        return packets;
    }

    public int keyframes() {
        return keyframes;
    }

    /** Waits until at least {@code n} frames were decoded, or fails after the timeout. */
    public Picture awaitDecoded(int n, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (decoded < n) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("mix receiver decoded " + decoded + " frames of " + n + " expected within "
                        + timeoutMillis + " ms (" + packets + " packets received)");
            }
            Thread.sleep(20);
        }
        return latest;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(3000);
        socket.close();
    }
}
