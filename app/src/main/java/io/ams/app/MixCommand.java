package io.ams.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.mix.OfflineMix;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.rtp.VideoCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ams mix}: offline mixing of N video files into one through the engine's own pipeline
 * (decode, composite, encode, mux). Also the fair comparison point against the ffmpeg CLI
 * (benchmarks/mix-vs-ffmpeg.sh).
 */
@Command(name = "mix", description = "Mix N video files into one file with a layout (offline, as fast as possible).")
public final class MixCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..100", paramLabel = "INPUT", description = "Input files (anything FFmpeg reads).")
    List<Path> inputs;

    @Option(names = {"-o", "--out"}, required = true, description = "Output file: .webm/.mkv/.ivf (VP8), .mkv/.mp4 (H.264).")
    Path out;

    @Option(names = "--layout", defaultValue = "grid", description = "grid, filmstrip or speaker (default ${DEFAULT-VALUE}).")
    io.ams.proto.v1.LayoutKind layout;

    @Option(names = "--size", defaultValue = "1280x720", description = "Canvas size (default ${DEFAULT-VALUE}).")
    Canvas size;

    @Option(names = "--fps", defaultValue = "30", description = "Output frame rate; inputs are taken frame by frame (default ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--codec", defaultValue = "vp8", description = "vp8 or h264 (default ${DEFAULT-VALUE}).")
    Codec codec;

    @Option(names = "--bitrate", defaultValue = "2500", description = "kbit/s (default ${DEFAULT-VALUE}).")
    int bitrate;

    @Option(names = "--fit", defaultValue = "letterbox", description = "letterbox or crop (default ${DEFAULT-VALUE}).")
    io.ams.proto.v1.Fit fit;

    @Option(names = "--frames", defaultValue = "0", description = "Stop after this many output frames; 0: when every input ends.")
    long frames;

    @Override
    public Integer call() throws Exception {
        if (layout == io.ams.proto.v1.LayoutKind.CUSTOM) {
            throw new ParameterException(spec.commandLine(), "--layout custom is not supported by 'ams mix'");
        }
        for (Path in : inputs) {
            if (!Files.isReadable(in)) {
                throw new ParameterException(spec.commandLine(), "input " + in + " does not exist or is not readable");
            }
        }
        LayoutSpec l = new LayoutSpec(LayoutKind.valueOf(layout.name()), List.of(),
                fit == io.ams.proto.v1.Fit.CROP ? Fit.CROP : Fit.LETTERBOX, true, 0x101010);
        OfflineMix.Result r = OfflineMix.run(new OfflineMix.Options(inputs, out, l, size.getWidth(), size.getHeight(),
                fps, codec == Codec.H264 ? VideoCodec.H264 : VideoCodec.VP8, bitrate, frames));
        spec.commandLine().getOut().printf("mixed %d inputs: %d frames in %.2f s (%.1f fps) -> %s (%d bytes)%n",
                inputs.size(), r.frames(), r.elapsedNanos() / 1e9, r.fps(), out, r.bytesWritten());
        spec.commandLine().getOut().flush();
        return r.frames() > 0 ? Ams.EXIT_OK : Ams.EXIT_FAILURE;
    }
}
