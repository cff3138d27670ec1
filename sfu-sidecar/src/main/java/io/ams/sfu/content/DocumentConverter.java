package io.ams.sfu.content;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@link ConvertWorker} in a child JVM with a small heap and a deadline, and reads its progress.
 * The media server's JVM never parses a document: a malicious or huge file can at worst exhaust the
 * child, which is then killed with everything it started (LibreOffice included).
 */
public final class DocumentConverter {
    /** Pages are fitted into this box (the mix canvas is 1280x720 by default; 1080p for the main view). */
    public static final int PAGE_WIDTH = 1920;
    public static final int PAGE_HEIGHT = 1080;

    /** What a conversion reports as it goes: the number of pages once known, then each page written. */
    public interface Progress {
        void pages(int total);

        void page(int done);
    }

    private final String javaBin;
    private final String classPath;
    private final long timeoutMillis;
    private final int heapMb;
    private final int maxPages;

    /** {@code timeoutMillis} for a whole conversion; {@code heapMb} the child's heap; at most {@code maxPages}. */
    public DocumentConverter(long timeoutMillis, int heapMb, int maxPages) {
        this.javaBin = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.timeoutMillis = timeoutMillis;
        this.heapMb = heapMb;
        this.maxPages = maxPages;
    }

    public static DocumentConverter defaults() {
        return new DocumentConverter(120_000, 512, 200);
    }

    /**
     * Converts {@code in} (of {@code type}) into PNG pages in the empty folder {@code out}; blocks until done.
     *
     * @return the pages in order
     * @throws ConversionException with the worker's code ({@code broken_file}, {@code password_protected},
     *     {@code too_many_pages}, {@code too_large}, {@code converter_missing}) or {@code timeout}
     */
    public List<Path> convert(DocumentType type, Path in, Path out, Progress progress) throws ConversionException, IOException {
        List<String> cmd = List.of(javaBin, "-Xmx" + heapMb + "m", "-Xss1m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Djava.awt.headless=true",
                "-cp", classPath, ConvertWorker.class.getName(), type.name(), in.toString(), out.toString(),
                Integer.toString(maxPages), Integer.toString(PAGE_WIDTH), Integer.toString(PAGE_HEIGHT));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(out.resolve("worker.log").toFile());
        pb.environment().put("HOME", out.toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Watchdog dog = new Watchdog(p, deadline);
        String error = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            dog.start();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("pages ")) {
                    progress.pages(Integer.parseInt(line.substring(6).trim()));
                } else if (line.startsWith("page ")) {
                    progress.page(Integer.parseInt(line.substring(5).trim()));
                } else if (line.startsWith("error ")) {
                    error = line.substring(6);
                }
            }
            int rc = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) ? p.exitValue() : -1;
            if (dog.fired || rc == -1) {
                kill(p);
                throw new ConversionException("timeout", "the conversion took longer than " + timeoutMillis / 1000 + " s");
            }
            if (error != null) {
                int sp = error.indexOf(' ');
                throw new ConversionException(sp < 0 ? error : error.substring(0, sp), sp < 0 ? error : error.substring(sp + 1));
            }
            if (rc != 0) {
                throw new ConversionException("broken_file", "the conversion process ended with status " + rc
                        + (rc == 137 || rc == 134 ? " (out of memory)" : ""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            throw new ConversionException("cancelled", "the conversion was cancelled");
        } catch (NumberFormatException e) {
            kill(p);
            throw new ConversionException("broken_file", "the conversion process said something unexpected");
        } finally {
            dog.stop();
            if (p.isAlive()) {
                kill(p);
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            List<Path> pages = new ArrayList<>(files.filter(f -> f.getFileName().toString().matches("page-\\d{4}\\.png")).sorted().toList());
            if (pages.isEmpty()) {
                throw new ConversionException("broken_file", "the document gave no pages");
            }
            return pages;
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Kills the child at the deadline even while the reader waits for a line it never sends. */
    private static final class Watchdog {
        private final Process p;
        private final long deadline;
        private volatile boolean fired;
        private ScheduledFuture<?> task;
        private static final ScheduledExecutorService TIMER =
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "conversion-watchdog");
                    t.setDaemon(true);
                    return t;
                });

        Watchdog(Process p, long deadline) {
            this.p = p;
            this.deadline = deadline;
        }

        void start() {
            task = TIMER.schedule(() -> {
                if (p.isAlive()) {
                    fired = true;
                    kill(p);
                }
            }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        void stop() {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "converter(%d s, %d MB heap, %d pages)", timeoutMillis / 1000, heapMb, maxPages);
    }
}
