package io.ams.engine.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Loader;

/** Runs the ffmpeg executable shipped in the bytedeco jar: an independent peer for tests. */
public final class FfmpegTool {
    private FfmpegTool() {
    }

    /** The path of the ffmpeg executable (extracted from the jar on first use). */
    public static String executable() {
        return Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    /** The result of one run: exit code and combined stdout/stderr. */
    public record Result(int exitCode, String output) {
    }

    /** Runs ffmpeg with {@code args}, waits at most {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the executable links against the shared libraries extracted beside it
        String libDir = java.nio.file.Path.of(command.get(0)).getParent().toString();
        String old = builder.environment().get("LD_LIBRARY_PATH");
        builder.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? libDir : libDir + ":" + old);
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
