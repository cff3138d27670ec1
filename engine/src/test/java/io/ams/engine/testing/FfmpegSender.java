package io.ams.engine.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FfmpegCli;

/**
 * A real RTP sender: the ffmpeg executable encoding a lavfi source (a solid colour or a test
 * pattern) in real time and sending it with FFmpeg's RTP muxer to the engine's port.
 */
public final class FfmpegSender implements AutoCloseable {
    private final Process process;

    private FfmpegSender(Process process) {
        this.process = process;
    }

    /** Sends a solid {@code colour} (e.g. "red" or "0xFF0000") of {@code size} at {@code fps}. */
    public static FfmpegSender solid(String colour, String size, int fps, VideoCodec codec, String host, int port,
                                     int payloadType, long ssrc) throws IOException {
        return start("color=c=" + colour + ":s=" + size + ":r=" + fps, fps, codec, host, port, payloadType, ssrc);
    }

    /** Sends any lavfi source graph. */
    public static FfmpegSender start(String lavfi, int fps, VideoCodec codec, String host, int port, int payloadType,
                                     long ssrc) throws IOException {
        List<String> args = new ArrayList<>(List.of("-re", "-f", "lavfi", "-i", lavfi, "-pix_fmt", "yuv420p"));
        if (codec == VideoCodec.VP8) {
            args.addAll(List.of("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k",
                    "-g", String.valueOf(fps), "-lag-in-frames", "0"));
        } else {
            args.addAll(List.of("-c:v", "libopenh264", "-profile:v", "constrained_baseline", "-b:v", "400k",
                    "-g", String.valueOf(fps), "-allow_skip_frames", "0"));
        }
        args.addAll(List.of("-f", "rtp", "-payload_type", String.valueOf(payloadType), "-ssrc", String.valueOf(ssrc),
                "rtp://" + host + ":" + port + "?pkt_size=1200"));
        return new FfmpegSender(FfmpegCli.start(args));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
