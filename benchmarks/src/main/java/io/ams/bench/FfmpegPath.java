package io.ams.bench;

import org.bytedeco.javacpp.Loader;

/**
 * Prints the path of the {@code ffmpeg} executable bundled in the bytedeco FFmpeg jar (extracted
 * into ~/.javacpp/cache on first use). It needs its own folder on {@code LD_LIBRARY_PATH}.
 *
 * <p>How to run: {@code java -cp benchmarks/target/benchmarks.jar io.ams.bench.FfmpegPath}
 */
public final class FfmpegPath {
    private FfmpegPath() {
    }

    public static void main(String[] args) {
        System.out.println(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
    }
}
