package io.ams.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.mix.OfflineMix;
import io.ams.rtp.VideoCodec;

/**
 * A stand-in for {@code ams mix} while the {@code ams} launcher is not on this branch: mixes N
 * files into one with {@link OfflineMix}, with the same layout settings as {@code ams mix}
 * (GRID, letterbox, main speaker highlighted, background 0x101010).
 *
 * <p>How to run: {@code java -cp benchmarks/target/benchmarks.jar io.ams.bench.MixCli -o out.webm --size 1280x720 --fps 30 --codec vp8 --bitrate 2500 in0.webm in1.webm ...}
 */
public final class MixCli {
    private MixCli() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path out = null;
        int[] size = {1280, 720};
        int fps = 30;
        int bitrate = 2500;
        long frames = 0;
        VideoCodec codec = VideoCodec.VP8;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-o", "--out" -> out = Path.of(args[++i]);
                case "--size" -> size = CompositeBenchmark.parseSize(args[++i]);
                case "--fps" -> fps = Integer.parseInt(args[++i]);
                case "--bitrate" -> bitrate = Integer.parseInt(args[++i]);
                case "--frames" -> frames = Long.parseLong(args[++i]);
                case "--codec" -> codec = VideoCodec.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                default -> inputs.add(Path.of(a));
            }
        }
        if (out == null || inputs.isEmpty()) {
            System.err.println("usage: MixCli -o OUT [--size WxH] [--fps N] [--codec vp8|h264] [--bitrate KBPS]"
                    + " [--frames N] INPUT...");
            System.exit(2);
        }
        LayoutSpec layout = new LayoutSpec(LayoutKind.GRID, List.of(), Fit.LETTERBOX, true, 0x101010);
        OfflineMix.Result r = OfflineMix.run(new OfflineMix.Options(inputs, out, layout, size[0], size[1], fps, codec,
                bitrate, frames));
        System.out.printf("mixed %d inputs: %d frames in %.2f s (%.1f fps) -> %s (%d bytes)%n", inputs.size(),
                r.frames(), r.elapsedNanos() / 1e9, r.fps(), out, r.bytesWritten());
        System.exit(r.frames() > 0 ? 0 : 1);
    }
}
