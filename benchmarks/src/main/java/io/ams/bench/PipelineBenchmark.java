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
import io.ams.engine.codec.VideoDecoder;
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
 * The whole per-frame work of a mixer output, on one thread: decode one frame of each of
 * {@code inputs} 640x360 streams, composite them into a 1280x720 GRID canvas, encode the canvas.
 * Score: mixed output frames per second. {@code codec} is the codec of the inputs and of the
 * output (an all-VP8 or all-H.264 room).
 *
 * <p>Inputs are pre-encoded in {@link #setUp()}: {@value #LOOP_FRAMES} frames of
 * {@link TestPattern} (moving box, counter bar, distinct colour per input) with a keyframe
 * interval of {@value #LOOP_FRAMES}, so each loop starts with its only keyframe and each
 * input's decoder is fed the loop in order, cyclically, restarting cleanly at the keyframe.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s}
 *
 * <p>Owns: the decoders, the latest decoded picture of each input, the canvas, the compositor and
 * the encoder, all created in {@link #setUp()} and freed in {@link #tearDown()}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {
    static final int LOOP_FRAMES = 60;
    static final int INPUT_WIDTH = 640;
    static final int INPUT_HEIGHT = 360;
    static final int INPUT_KBPS = 800;
    static final int CANVAS_WIDTH = 1280;
    static final int CANVAS_HEIGHT = 720;
    static final int FPS = 30;
    static final int OUTPUT_KBPS = 2500;
    /** Distinct input colours (as SyntheticParticipant senders use). */
    private static final int[] COLOURS = {0x1E6FD9, 0xD9421E, 0x2EA84A, 0xB02EA8, 0xD9B31E, 0x1EB3D9, 0x7A4A2E,
        0x5A5A9A, 0x9A2E4A, 0x2E7A7A, 0x8AA82E, 0x4A2E9A, 0xD97A1E, 0x2E4A2E, 0xA8A8A8, 0x6A1E1E};

    @Param({"4", "9", "16"})
    public int inputs;

    @Param({"VP8", "H264"})
    public VideoCodec codec;

    private final List<List<EncodedFrame>> loops = new ArrayList<>();
    private final List<VideoDecoder> decoders = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final Map<String, VideoFrame> current = new HashMap<>(); // owned: latest picture per input
    private final Map<String, String> names = new HashMap<>();
    private final LayoutSpec spec = LayoutSpec.grid();
    private List<Tile> layout;
    private VideoFrame canvas;
    private CpuCompositor compositor;
    private VideoEncoder encoder;
    private int position;
    private long frameIndex;
    private long outstandingFrames;
    private long outstandingPackets;

    @Setup(Level.Trial)
    public void setUp() {
        outstandingFrames = NativeResources.outstandingFrames();
        outstandingPackets = NativeResources.outstandingPackets();
        TestPattern pattern = new TestPattern();
        for (int i = 0; i < inputs; i++) {
            String id = "p" + i;
            ids.add(id);
            names.put(id, "Participant " + i);
            loops.add(encodeLoop(pattern, COLOURS[i % COLOURS.length], names.get(id)));
            decoders.add(VideoDecoder.create(codec));
        }
        layout = Layouts.compute(spec, ids, ids.get(0), CANVAS_WIDTH, CANVAS_HEIGHT);
        canvas = VideoFrame.allocateYuv420(CANVAS_WIDTH, CANVAS_HEIGHT);
        compositor = new CpuCompositor();
        encoder = VideoEncoder.create(new EncoderConfig(codec, CANVAS_WIDTH, CANVAS_HEIGHT, FPS, OUTPUT_KBPS,
                FPS * 4));
    }

    /** {@value #LOOP_FRAMES} frames of a moving test pattern, the first one the loop's only keyframe. */
    private List<EncodedFrame> encodeLoop(TestPattern pattern, int rgb, String name) {
        List<EncodedFrame> loop = new ArrayList<>(LOOP_FRAMES);
        try (VideoEncoder enc = VideoEncoder.create(new EncoderConfig(codec, INPUT_WIDTH, INPUT_HEIGHT, FPS,
                INPUT_KBPS, LOOP_FRAMES));
             VideoFrame picture = VideoFrame.allocateYuv420(INPUT_WIDTH, INPUT_HEIGHT)) {
            for (int n = 0; n < LOOP_FRAMES; n++) {
                picture.makeWritable();
                pattern.draw(picture, rgb, name, n);
                loop.addAll(enc.encode(picture, n, n == 0));
            }
        }
        if (loop.size() != LOOP_FRAMES || !loop.get(0).keyframe()
                || loop.stream().skip(1).anyMatch(EncodedFrame::keyframe)) {
            throw new IllegalStateException("expected " + LOOP_FRAMES + " frames with one leading keyframe, got "
                    + loop.size() + " frames, keyframes at "
                    + loop.stream().filter(EncodedFrame::keyframe).map(loop::indexOf).toList());
        }
        return loop;
    }

    @Benchmark
    public void mixOneFrame(Blackhole bh) {
        for (int i = 0; i < inputs; i++) {
            VideoFrame picture = decoders.get(i).decode(loops.get(i).get(position));
            if (picture != null) {
                VideoFrame old = current.put(ids.get(i), picture);
                if (old != null) {
                    old.release();
                }
            }
        }
        position = (position + 1) % LOOP_FRAMES;
        canvas.makeWritable();
        compositor.composite(canvas, layout, current, names, spec);
        List<EncodedFrame> out = encoder.encode(canvas, frameIndex++, false);
        for (EncodedFrame f : out) {
            bh.consume(f.data());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long decodeErrors = decoders.stream().mapToLong(VideoDecoder::decodeErrors).sum();
        if (decodeErrors != 0 || encoder.encodeErrors() != 0 || compositor.tileErrors() != 0) {
            System.err.println("PipelineBenchmark: decode errors " + decodeErrors + ", encode errors "
                    + encoder.encodeErrors() + " (" + encoder.lastError() + "), tile errors " + compositor.tileErrors());
        }
        System.out.println("PipelineBenchmark: " + encoder.framesEncoded() + " frames encoded, "
                + encoder.keyframes() + " keyframes, " + decoders.stream().mapToLong(VideoDecoder::framesDecoded).sum()
                + " pictures decoded");
        decoders.forEach(VideoDecoder::close);
        decoders.clear();
        current.values().forEach(VideoFrame::release);
        current.clear();
        encoder.close();
        compositor.close();
        canvas.release();
        loops.clear();
        long frames = NativeResources.outstandingFrames() - outstandingFrames;
        long packets = NativeResources.outstandingPackets() - outstandingPackets;
        if (frames != 0 || packets != 0) {
            System.err.println("PipelineBenchmark: outstanding after tear-down: " + frames + " frames, "
                    + packets + " packets");
        }
    }
}
