package io.ams.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.infra.Blackhole;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.TestPattern;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/**
 * The encode half of a room output (issue 14 part 5): one 1280x720 mix canvas per call, encoded as
 * a room's output encoder does (VP8 realtime CBR 2500 kbps, one libvpx thread; or OpenH264
 * constrained baseline, one thread). The canvases are a {@value #LOOP} frame loop of a real
 * 16-participant GRID mix of moving test patterns with labels, composited once in set-up, so the
 * encoder sees the motion and detail of a meeting, not a still.
 *
 * <p>Score: frames per second on one thread. Room-encodes per core at 720p30 = score / 30, and
 * since H100/H200 have no NVENC, that number times the cores is a GPU machine's ceiling of rooms.
 *
 * <p>{@code encoder}: vp8-cpuN runs libvpx at {@code cpu-used N} (the engine's default is 8;
 * {@code -Dams.vp8.cpuUsed=N} sets it for an engine), h264 runs OpenH264.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar EncodeBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncodeBenchmark {
    static final int LOOP = 60;
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    static final int FPS = 30;
    static final int KBPS = 2500;
    static final int PARTICIPANTS = 16;

    @Param({"vp8-cpu8", "vp8-cpu12", "vp8-cpu16", "h264"})
    public String encoder;

    private final List<VideoFrame> canvases = new ArrayList<>(); // owned
    private VideoEncoder enc;
    private long index;
    private long bytes;
    private long outstandingBefore;

    @Setup(Level.Trial)
    public void setUp() {
        outstandingBefore = NativeResources.outstandingFrames();
        List<String> ids = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < PARTICIPANTS; i++) {
            ids.add("p" + i);
            names.put("p" + i, "Participant " + i);
        }
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids, "p0", WIDTH, HEIGHT);
        TestPattern pattern = new TestPattern();
        List<VideoFrame> pictures = new ArrayList<>();
        try (CpuCompositor compositor = new CpuCompositor()) {
            for (int i = 0; i < PARTICIPANTS; i++) {
                pictures.add(VideoFrame.allocateYuv420(320, 180));
            }
            for (int n = 0; n < LOOP; n++) {
                Map<String, VideoFrame> frames = new HashMap<>();
                for (int i = 0; i < PARTICIPANTS; i++) {
                    VideoFrame p = pictures.get(i);
                    p.makeWritable();
                    pattern.draw(p, 0x1E6FD9 + i * 0x0F0A05, names.get("p" + i), n + 7L * i);
                    frames.put("p" + i, p);
                }
                VideoFrame canvas = VideoFrame.allocateYuv420(WIDTH, HEIGHT);
                canvases.add(canvas);
                compositor.composite(canvas, tiles, frames, names, LayoutSpec.grid());
            }
        } finally {
            pictures.forEach(VideoFrame::release);
        }
        VideoCodec codec = encoder.startsWith("vp8") ? VideoCodec.VP8 : VideoCodec.H264;
        if (codec == VideoCodec.VP8) {
            System.setProperty("ams.vp8.cpuUsed", encoder.substring("vp8-cpu".length()));
        }
        enc = VideoEncoder.create(new EncoderConfig(codec, WIDTH, HEIGHT, FPS, KBPS, FPS * 4));
        System.clearProperty("ams.vp8.cpuUsed");
    }

    @Benchmark
    public void encodeOneFrame(Blackhole bh) {
        VideoFrame canvas = canvases.get((int) (index % LOOP));
        for (EncodedFrame f : enc.encode(canvas, index, false)) {
            bytes += f.size();
            bh.consume(f.data());
        }
        index++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long frames = enc.framesEncoded();
        System.out.printf("%nEncodeBenchmark %s: %d frames, %d keyframes, %.0f kbps at %d fps, encode errors %d%n",
                encoder, frames, enc.keyframes(), frames == 0 ? 0 : bytes * 8.0 * FPS / frames / 1000, FPS,
                enc.encodeErrors());
        enc.close();
        canvases.forEach(VideoFrame::release);
        canvases.clear();
        long left = NativeResources.outstandingFrames() - outstandingBefore;
        if (left != 0) {
            System.err.println("EncodeBenchmark: " + left + " frames outstanding after tear-down");
        }
    }
}
