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

import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

/**
 * Compositing only: {@link CpuCompositor#composite} of {@code tiles} distinct 640x360 YUV420P
 * gradients into a GRID canvas (letterboxed, labels and speaker highlight drawn, as in a room).
 * Score: composited canvases per second (frames/s), one thread.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar CompositeBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s}
 *
 * <p>Owns: the source frames, the canvas and the compositor, all created in {@link #setUp()} and
 * freed in {@link #tearDown()}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompositeBenchmark {
    static final int SOURCE_WIDTH = 640;
    static final int SOURCE_HEIGHT = 360;

    @Param({"4", "9", "16", "25"})
    public int tiles;

    @Param({"1280x720", "1920x1080"})
    public String canvas;

    private final List<VideoFrame> sources = new ArrayList<>();
    private final Map<String, VideoFrame> frames = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final LayoutSpec spec = LayoutSpec.grid();
    private List<Tile> layout;
    private VideoFrame canvasFrame;
    private CpuCompositor compositor;
    private long outstandingBefore;

    @Setup(Level.Trial)
    public void setUp() {
        outstandingBefore = NativeResources.outstandingFrames();
        int[] size = parseSize(canvas);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tiles; i++) {
            String id = "p" + i;
            ids.add(id);
            names.put(id, "Participant " + i);
            VideoFrame f = SourcePictures.gradient(SOURCE_WIDTH, SOURCE_HEIGHT, i);
            sources.add(f);
            frames.put(id, f);
        }
        layout = Layouts.compute(spec, ids, ids.get(0), size[0], size[1]);
        canvasFrame = VideoFrame.allocateYuv420(size[0], size[1]);
        compositor = new CpuCompositor();
    }

    @Benchmark
    public void composite(Blackhole bh) {
        compositor.composite(canvasFrame, layout, frames, names, spec);
        bh.consume(canvasFrame);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (compositor.tileErrors() != 0) {
            System.err.println("CompositeBenchmark: " + compositor.tileErrors() + " tiles could not be scaled");
        }
        compositor.close();
        canvasFrame.release();
        sources.forEach(VideoFrame::release);
        sources.clear();
        frames.clear();
        long leaked = NativeResources.outstandingFrames() - outstandingBefore;
        if (leaked != 0) {
            System.err.println("CompositeBenchmark: " + leaked + " native frames outstanding after tear-down");
        }
    }

    /** "WIDTHxHEIGHT" to {width, height}. */
    static int[] parseSize(String s) {
        String[] p = s.toLowerCase().split("x");
        if (p.length != 2) {
            throw new IllegalArgumentException("size must be WIDTHxHEIGHT, was " + s);
        }
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
    }
}
