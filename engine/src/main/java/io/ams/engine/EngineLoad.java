package io.ams.engine;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.TestPattern;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.room.Room;
import io.ams.rtp.VideoCodec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's load and capacity in "720p30 room-equivalents" (issue 11): one 1280x720 output at 30 fps is 1.0; an
 * output counts by its pixel rate (a recording's output too). Cluster placement compares engines
 * by load over capacity.
 */
public final class EngineLoad {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoad.class);
    private static final double PIXELS_720P30 = 1280.0 * 720 * 30;
    /** Of a room's CPU time the encode is about half (decodes and the composite the rest, docs/BENCHMARKS.md). */
    static final double ENCODE_SHARE = 0.5;

    private EngineLoad() {
    }

    /** The room-equivalents these rooms run now. */
    public static double of(List<Room> rooms) {
        double load = 0;
        for (Room r : rooms) {
            for (Output o : r.outputList()) {
                OutputSpec s = o.spec();
                load += s.width() * (double) s.height() * s.fps() / PIXELS_720P30;
            }
        }
        return Math.round(load * 100) / 100.0;
    }

    /**
     * Measures how many 720p30 rooms this machine's CPU holds: encodes a moving 1280x720 picture with the engine's
     * VP8 encoder for about {@code millis} on one thread, scales by the cores the JVM sees and by the encode's share
     * of a room's cost. A rough figure, meant only to compare engines; {@code --capacity} overrides it.
     */
    public static double measureCpuCapacity(long millis) {
        TestPattern pattern = new TestPattern();
        try (VideoEncoder enc = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 1280, 720, 30, 2000, 300));
             VideoFrame frame = VideoFrame.allocateYuv420(1280, 720)) {
            long start = System.nanoTime();
            long deadline = start + millis * 1_000_000L;
            int frames = 0;
            while (System.nanoTime() < deadline || frames < 5) {
                pattern.draw(frame, 0x3060C0, "capacity", frames);
                enc.encode(frame, frames, frames == 0);
                frames++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double fpsOneCore = frames / seconds;
            int cores = Runtime.getRuntime().availableProcessors();
            double capacity = Math.max(0.5, Math.floor(cores * fpsOneCore / 30 * ENCODE_SHARE * 10) / 10);
            LOG.info("capacity: {} room-equivalents (one core encodes {} fps of 720p VP8, {} cores, encode ~{}% of a room's"
                    + " cost; --capacity sets it)", capacity, Math.round(fpsOneCore), cores, Math.round(ENCODE_SHARE * 100));
            return capacity;
        } catch (RuntimeException e) {
            LOG.warn("capacity: could not measure ({}); taking one room-equivalent per core", e.toString());
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
