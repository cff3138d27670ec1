package io.ams.engine.mix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.codec.MediaFileWriter;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/**
 * Offline mixing of N files into one through the engine's own stages (decode, composite,
 * encode, mux), for {@code ams mix} and the comparison with the ffmpeg CLI.
 *
 * <p>Each input is decoded on its own thread into a small bounded queue (so N decodes run in
 * parallel with compositing and encoding). Output frame k takes the k-th frame of every input:
 * inputs are expected at the output frame rate; an input that ends keeps its last frame, and
 * the mix ends when every input has ended (or after {@code maxFrames}).
 */
public final class OfflineMix {
    private static final Logger LOG = LoggerFactory.getLogger(OfflineMix.class);
    private static final int QUEUE = 4;
    private static final int CANVASES = 3;

    /** What to mix and how. */
    public record Options(List<Path> inputs, Path output, LayoutSpec layout, int width, int height, int fps,
                          VideoCodec codec, int bitrateKbps, long maxFrames) {
    }

    /** What a run did. */
    public record Result(long frames, long elapsedNanos, long bytesWritten) {
        public double fps() {
            return elapsedNanos == 0 ? 0 : frames * 1e9 / elapsedNanos;
        }
    }

    private OfflineMix() {
    }

    public static Result run(Options o) throws InterruptedException {
        if (o.inputs().isEmpty()) {
            throw new IllegalArgumentException("no inputs to mix");
        }
        new OutputSpec(OutputSpec.MAIN, o.width(), o.height(), o.fps(), o.codec(), o.bitrateKbps(), o.layout())
                .validate();
        long start = System.nanoTime();
        List<Decoding> decodings = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, VideoFrame> current = new HashMap<>();   // owned references, released at the end
        List<VideoFrame> canvases = new ArrayList<>();          // owned, released at the end
        long frames = 0;
        try (CpuCompositor compositor = new CpuCompositor();
             VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(o.codec(), o.width(), o.height(), o.fps(),
                     o.bitrateKbps(), o.fps() * 10));
             MediaFileWriter writer = MediaFileWriter.open(o.output(), o.codec(), o.width(), o.height(), o.fps())) {
            for (int i = 0; i < o.inputs().size(); i++) {
                Path in = o.inputs().get(i);
                String id = "in" + i;
                ids.add(id);
                names.put(id, in.getFileName().toString().replaceFirst("\\.[^.]+$", ""));
                decodings.add(Decoding.start(id, in));
            }
            // compositing (this thread) and encoding (its own thread) overlap on alternate canvases
            BlockingQueue<VideoFrame> free = new ArrayBlockingQueue<>(CANVASES);
            for (int i = 0; i < CANVASES; i++) {
                VideoFrame c = VideoFrame.allocateYuv420(o.width(), o.height());
                canvases.add(c);
                free.add(c);
            }
            Encoding encoding = Encoding.start(encoder, writer, free);
            try {
                List<Tile> tiles = Layouts.compute(o.layout(), ids, ids.get(0), o.width(), o.height());
                while (o.maxFrames() <= 0 || frames < o.maxFrames()) {
                    boolean anyNew = false;
                    for (Decoding d : decodings) {
                        VideoFrame f = d.take();
                        if (f != null) {
                            VideoFrame old = current.put(d.id, f);
                            if (old != null) {
                                old.release();
                            }
                            anyNew = true;
                        }
                    }
                    if (!anyNew) {
                        break;
                    }
                    VideoFrame canvas = free.take();
                    canvas.makeWritable();
                    compositor.composite(canvas, tiles, current, names, o.layout());
                    encoding.submit(canvas, frames);
                    frames++;
                }
            } finally {
                encoding.finish();
            }
        } finally {
            for (Decoding d : decodings) {
                d.close();
            }
            current.values().forEach(VideoFrame::release);
            canvases.forEach(VideoFrame::release);
        }
        long elapsed = System.nanoTime() - start;
        long size = o.output().toFile().length();
        LOG.info("mixed {} inputs into {}: {} frames in {} ms ({} fps)", o.inputs().size(), o.output(), frames,
                elapsed / 1_000_000, String.format("%.1f", frames * 1e9 / elapsed));
        return new Result(frames, elapsed, size);
    }

    /**
     * The encode-and-write stage on its own thread: takes composited canvases in order, encodes,
     * writes, and hands each canvas back to the free queue (the canvases stay owned by run()).
     */
    private static final class Encoding {
        private record Job(VideoFrame canvas, long index) {
        }

        private static final Job END = new Job(null, -1);
        private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(CANVASES + 1);
        private final Thread thread;
        private volatile RuntimeException failure;

        private Encoding(VideoEncoder encoder, MediaFileWriter writer, BlockingQueue<VideoFrame> free) {
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Job j = jobs.take();
                        if (j == END) {
                            return;
                        }
                        try {
                            for (EncodedFrame e : encoder.encode(j.canvas(), j.index(), false)) {
                                writer.write(e);
                            }
                        } catch (RuntimeException e) {
                            failure = e;
                        } finally {
                            free.add(j.canvas());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mix-encode");
            thread.setDaemon(true);
        }

        static Encoding start(VideoEncoder encoder, MediaFileWriter writer, BlockingQueue<VideoFrame> free) {
            Encoding e = new Encoding(encoder, writer, free);
            e.thread.start();
            return e;
        }

        void submit(VideoFrame canvas, long index) throws InterruptedException {
            if (failure != null) {
                throw failure;
            }
            jobs.put(new Job(canvas, index));
        }

        /** Waits until every submitted canvas is encoded and written. */
        void finish() throws InterruptedException {
            jobs.put(END);
            thread.join();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** One input decoded on its own thread into a bounded queue. */
    private static final class Decoding implements AutoCloseable {
        private static final VideoFrame END = null;
        final String id;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread thread;
        private volatile boolean stop;
        private boolean ended;

        private Decoding(String id, Path path) {
            this.id = id;
            this.thread = new Thread(() -> decodeAll(path), "mix-decode-" + id);
            thread.setDaemon(true);
        }

        static Decoding start(String id, Path path) {
            Decoding d = new Decoding(id, path);
            d.thread.start();
            return d;
        }

        private void decodeAll(Path path) {
            try (MediaFileReader reader = MediaFileReader.open(path)) {
                VideoFrame f;
                while (!stop && (f = reader.next()) != null) {
                    if (!offer(f)) {
                        f.release();
                        return;
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("input {}: {}", path, e.getMessage());
            } finally {
                offer(Boolean.FALSE);
            }
        }

        private boolean offer(Object o) {
            try {
                while (!stop) {
                    if (queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        /** The next frame (caller owns it), or null once the input has ended. */
        VideoFrame take() throws InterruptedException {
            if (ended) {
                return END;
            }
            Object o = queue.take();
            if (o instanceof VideoFrame f) {
                return f;
            }
            ended = true;
            return END;
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Object o;
            while ((o = queue.poll()) != null) {
                if (o instanceof VideoFrame f) {
                    f.release();
                }
            }
        }
    }
}
