package io.ams.engine.recording;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.atrest.SealedFileWriter;
import io.ams.engine.egress.Sink;
import io.ams.proto.v1.Destination;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recording destination written sealed ({@code .amsrec}): the output's encoded frames, starting at
 * a keyframe, in chunks of {@link RecordingChunks#CHUNK_SECONDS} s (export reads them in order from the first,
 * so a chunk need not start at a keyframe), each AES-GCM sealed and forced to
 * disk by a writer thread of its own (the output's tick thread never waits for the disk). A crash
 * loses at most the chunk being filled; a disk that fills up stops the recording with a log line and
 * an error count, and what was written stays readable ({@link RecordingExport}). Nothing is written
 * in the clear.
 */
public final class SealedRecordingSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(SealedRecordingSink.class);
    private static final long CHUNK_TICKS = 90_000L * RecordingChunks.CHUNK_SECONDS;
    private static final int MAX_CHUNK_BYTES = 8 * 1024 * 1024;
    static final int MAX_PENDING_TEXT = 200;

    private final String id;
    private final Path path;
    private final SealedFileWriter writer;     // owned; used on the writer thread only
    private final ExecutorService disk;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong chunksWritten = new AtomicLong();
    private volatile String failure;
    private ByteArrayOutputStream chunk = new ByteArrayOutputStream(); // tick thread
    private long chunkStartTs;
    private boolean started;
    private boolean closed;
    private long audioPackets;
    private long textLines;
    /** Chat lines said before the first keyframe (the recording had not started): kept once it does. */
    private final java.util.ArrayDeque<PendingText> pendingText = new java.util.ArrayDeque<>();

    private record PendingText(long rtpTimestamp, ChatLine line) {
    }

    private SealedRecordingSink(String id, Path path, SealedFileWriter writer) {
        this.id = id;
        this.path = path;
        this.writer = writer;
        this.disk = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ams-rec-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates {@code path} (which must not exist) sealed with a fresh data key under {@code master}. */
    public static SealedRecordingSink create(String id, Path path, MasterKey master, RecordingChunks.StreamInfo stream)
            throws IOException {
        SealedFileWriter w = SealedFileWriter.create(path, master, path.getFileName().toString());
        try {
            w.append(RecordingChunks.describe(stream));
        } catch (IOException e) {
            w.close();
            throw e;
        }
        return new SealedRecordingSink(id, path, w);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean wantsRtp() {
        return false;
    }

    @Override
    public synchronized void send(EncodedFrame frame, List<RtpPayload> payloads) {
        if (closed || failure != null) {
            return;
        }
        if (!started) {
            if (!frame.keyframe()) {
                return;
            }
            started = true;
            chunkStartTs = frame.rtpTimestamp();
            RecordingChunks.put(chunk, frame);
            for (PendingText t; (t = pendingText.pollFirst()) != null; ) {
                RecordingChunks.putText(chunk, t.rtpTimestamp(), t.line());
            }
            return;
        }
        int elapsed = (int) (frame.rtpTimestamp() - chunkStartTs);
        if (chunk.size() > 0 && (elapsed >= CHUNK_TICKS || elapsed < 0 || chunk.size() >= MAX_CHUNK_BYTES)) {
            flush(); // a chunk's time is up (or the clock jumped back, or it is huge): a crash loses at most this much
            chunkStartTs = frame.rtpTimestamp();
        }
        RecordingChunks.put(chunk, frame);
    }

    /**
     * One 20 ms Opus packet of the room's mix at {@code rtpTimestamp} on this recording's video clock
     * (the audio clock's thread); returns false once the recording is over, so the caller stops.
     * Audio before the first video keyframe is not kept (the export starts at that keyframe).
     */
    public synchronized boolean sendAudio(byte[] opus, long rtpTimestamp) {
        if (closed || failure != null) {
            return false;
        }
        if (started) {
            RecordingChunks.putAudio(chunk, rtpTimestamp, opus);
            audioPackets++;
        }
        return true;
    }

    /**
     * A line of the room's chat said at {@code rtpTimestamp} on this recording's video clock (any thread);
     * false once the recording is over. Lines said before the first keyframe are kept (up to
     * {@link #MAX_PENDING_TEXT}) and written once the recording starts; the export shows them at its start.
     */
    public synchronized boolean sendText(ChatLine line, long rtpTimestamp) {
        if (closed || failure != null) {
            return false;
        }
        if (!started) {
            if (pendingText.size() < MAX_PENDING_TEXT) {
                pendingText.addLast(new PendingText(rtpTimestamp, line));
            }
        } else {
            RecordingChunks.putText(chunk, rtpTimestamp, line);
        }
        textLines++;
        return true;
    }

    /** Chat lines taken so far. */
    public synchronized long textLines() {
        return textLines;
    }

    public synchronized long audioPackets() {
        return audioPackets;
    }

    private void flush() {
        if (chunk.size() == 0) {
            return;
        }
        byte[] bytes = chunk.toByteArray();
        chunk = new ByteArrayOutputStream();
        disk.execute(() -> {
            if (failure != null) {
                return;
            }
            try {
                writer.append(bytes);
                chunksWritten.incrementAndGet();
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    private void fail(IOException e) {
        errors.incrementAndGet();
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
        LOG.error("recording {} stopped: {} (what was written up to chunk {} stays readable)", path, failure,
                chunksWritten.get());
    }

    /** Why the recording stopped early, or null while it runs (or after it finished well). */
    public String failure() {
        return failure;
    }

    public long chunksWritten() {
        return chunksWritten.get();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public Destination describe() {
        return Destination.newBuilder().setId(id).setFile(path.toString()).build();
    }

    /** Writes what is buffered and the final marker; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            flush();
        }
        disk.execute(() -> {
            try {
                writer.close();
                if (failure == null) {
                    LOG.info("recording {} finished: {} chunks, {} bytes, sealed", path, writer.chunks(), writer.bytes());
                }
            } catch (IOException e) {
                fail(e);
            }
        });
        disk.shutdown();
        try {
            if (!disk.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("recording {}: the disk did not take the last chunk within 10 s", path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
