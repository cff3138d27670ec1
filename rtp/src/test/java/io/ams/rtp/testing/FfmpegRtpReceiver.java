package io.ams.rtp.testing;

import io.ams.rtp.VideoCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * FFmpeg's RTP demuxer as an independent receiving peer: writes an SDP for one video stream on a
 * free 127.0.0.1 port, starts {@code ffmpeg -protocol_whitelist file,udp,rtp -i stream.sdp
 * <outputArgs>} and waits until it listens. Send datagrams, then {@link #finish} waits for
 * ffmpeg to exit (give it an output limit such as {@code -frames:v N}).
 */
public final class FfmpegRtpReceiver implements AutoCloseable {
    private final Process process;
    private final int port;
    private final DatagramSocket sender;

    private FfmpegRtpReceiver(Process process, int port) throws IOException {
        this.process = process;
        this.port = port;
        this.sender = new DatagramSocket();
    }

    /** Starts ffmpeg receiving {@code codec} with {@code payloadType}; {@code dir} gets the SDP file. */
    public static FfmpegRtpReceiver start(Path dir, VideoCodec codec, int payloadType, List<String> outputArgs)
            throws IOException, InterruptedException {
        int port = LocalPorts.freeRtpPortPair();
        String sdp = "v=0\r\n"
                + "o=- 0 0 IN IP4 127.0.0.1\r\n"
                + "s=ams test\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=video " + port + " RTP/AVP " + payloadType + "\r\n"
                + "a=rtpmap:" + payloadType + " " + codec.sdpName() + "/" + VideoCodec.RTP_CLOCK_RATE + "\r\n"
                + (codec == VideoCodec.H264 ? "a=fmtp:" + payloadType + " packetization-mode=1\r\n" : "");
        Path sdpFile = dir.resolve("stream-" + port + ".sdp");
        Files.writeString(sdpFile, sdp);
        List<String> args = new ArrayList<>(List.of("-protocol_whitelist", "file,udp,rtp", "-i", sdpFile.toString()));
        args.addAll(outputArgs);
        Process p = FfmpegCli.start(args);
        if (!LocalPorts.awaitUdpBound(port, Duration.ofSeconds(10))) {
            p.destroyForcibly();
            throw new IllegalStateException("ffmpeg does not listen on " + port + ": " + FfmpegCli.logTail(p));
        }
        return new FfmpegRtpReceiver(p, port);
    }

    public int port() {
        return port;
    }

    /** Sends the datagrams to ffmpeg, pausing {@code gapMicros} between them (loopback drops bursts). */
    public void send(List<byte[]> datagrams, long gapMicros) {
        try {
            for (byte[] d : datagrams) {
                sender.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
                LockSupport.parkNanos(gapMicros * 1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits up to {@code timeout} for ffmpeg to exit by itself (give it an output limit such as
     * {@code -frames:v N}: the SDP demuxer only gives up after 10 s without packets); then stops
     * it with SIGTERM. Returns ffmpeg's exit code.
     */
    public int finish(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("ffmpeg did not stop: " + FfmpegCli.logTail(process));
            }
        }
        return process.exitValue();
    }

    public String log() {
        return FfmpegCli.logTail(process);
    }

    @Override
    public void close() {
        sender.close();
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
