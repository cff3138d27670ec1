package io.ams.engine.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ams.rtp.testing.FfmpegCli;

/** Runs the bundled ffmpeg executable (see {@link FfmpegCli}) and captures its output, for file checks. */
public final class FfmpegTool {
    private FfmpegTool() {
    }

    /** The path of the ffmpeg executable (extracted from the jar on first use). */
    public static String executable() {
        return FfmpegCli.executable().toString();
    }

    /** The result of one run: exit code and combined stdout/stderr. */
    public record Result(int exitCode, String output) {
    }

    /** Runs ffmpeg with {@code args}, waits at most {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(List.of(args));
        ProcessBuilder builder = FfmpegCli.processBuilder(command).redirectErrorStream(true);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
