package io.ams.rtp.testing;

import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code ffmpeg} executable shipped inside the bytedeco FFmpeg jar, as an independent peer
 * for tests (RTP muxer/demuxer, encoders, lavfi sources). Every run gets
 * {@code -hide_banner -loglevel error -nostdin}; its stdout and stderr go to a log file under
 * {@code target/ffmpeg-logs} ({@link #logFile(Process)}), whose tail is put in failure messages.
 * The executable's directory (holding the FFmpeg shared libraries it links) is put on its
 * {@code LD_LIBRARY_PATH}.
 */
public final class FfmpegCli {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Map<Long, Path> LOGS = new ConcurrentHashMap<>();
    private static volatile Path executable;

    private FfmpegCli() {
    }

    /** Path of the extracted ffmpeg executable (extracted once per JVM). */
    public static Path executable() {
        Path exe = executable;
        if (exe == null) {
            synchronized (FfmpegCli.class) {
                exe = executable;
                if (exe == null) {
                    exe = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
                    executable = exe;
                }
            }
        }
        return exe;
    }

    /**
     * A process builder for {@code command} (the executable first) with LD_LIBRARY_PATH pointing
     * at the shared libraries (libavcodec, libva, ...) extracted next to the executable.
     */
    public static ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        String libs = executable().getParent().toString();
        String old = pb.environment().get("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? libs : libs + ":" + old);
        return pb;
    }

    /** Starts ffmpeg with {@code args}; the caller waits for it or destroys it. */
    public static Process start(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable().toString());
        cmd.addAll(List.of("-hide_banner", "-loglevel", "error", "-nostdin"));
        cmd.addAll(args);
        try {
            Path dir = Files.createDirectories(Path.of("target", "ffmpeg-logs"));
            Path log = dir.resolve("ffmpeg-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + ".log");
            Files.writeString(log, String.join(" ", cmd) + "\n");
            Process p = processBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            LOGS.put(p.pid(), log);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ffmpeg " + args, e);
        }
    }

    /**
     * Runs ffmpeg with {@code args} and waits for it to exit.
     *
     * @return its exit code
     * @throws IllegalStateException if it runs longer than {@code timeout} (it is killed)
     */
    public static int run(Duration timeout, List<String> args) {
        Process p = start(args);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ffmpeg ran longer than " + timeout + ": " + logTail(p));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for ffmpeg", e);
        }
    }

    /** Runs ffmpeg and fails with its log if it does not exit with 0. */
    public static void runOrFail(Duration timeout, List<String> args) {
        Process p = start(args);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ffmpeg ran longer than " + timeout + ": " + logTail(p));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for ffmpeg", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg exited with " + p.exitValue() + ": " + logTail(p));
        }
    }

    /** The log file of a process started here (command line, stdout, stderr). */
    public static Path logFile(Process p) {
        return LOGS.get(p.pid());
    }

    /** The last 4000 characters of a process's log. */
    public static String logTail(Process p) {
        Path log = logFile(p);
        if (log == null) {
            return "(no log)";
        }
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
