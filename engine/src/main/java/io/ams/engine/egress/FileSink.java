package io.ams.engine.egress;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.MediaFileWriter;
import io.ams.proto.v1.Destination;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpPayload;

/**
 * A recording destination: the output's encoded frames muxed into a playable file (WebM or
 * Matroska) without re-encoding. The writer waits for the first keyframe.
 *
 * <p>When the file cannot be written any more (a full disk, an I/O error) the recording stops by
 * itself: the file is finished with what it holds, {@link #describe()} carries the reason in
 * {@code error}, the listener hears of it once (the room publishes a RecordingStopped event), and
 * later frames are ignored. The room and its other destinations are not disturbed.
 */
public final class FileSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final String id;
    private final Path path;
    private final MediaFileWriter writer;   // owned: closed in close()
    private final Consumer<FileSink> onStopped; // passed in, may be null; called once, on the output's thread
    private final AtomicLong errors = new AtomicLong();
    private boolean started;
    private boolean closed;
    private volatile String stopped;        // why the recording stopped by itself; null while recording

    public FileSink(String id, Path path, MediaFileWriter writer) {
        this(id, path, writer, null);
    }

    public FileSink(String id, Path path, MediaFileWriter writer, Consumer<FileSink> onStopped) {
        this.id = id;
        this.path = path;
        this.writer = writer;
        this.onStopped = onStopped;
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
        if (closed) {
            return;
        }
        if (!started && !frame.keyframe()) {
            return;
        }
        started = true;
        try {
            writer.write(frame);
        } catch (RuntimeException e) {
            if (errors.getAndIncrement() == 0) {
                LOG.warn("recording {}: write failed: {}", path, e.getMessage());
            }
        }
        String ioError = writer.ioError();
        if (ioError != null) {
            stop(ioError);
        }
    }

    /** Stops recording after a write error: finishes the file with what it holds (the caller holds the lock). */
    private void stop(String ioError) {
        errors.incrementAndGet();
        long written = writer.framesWritten();
        stopped = "recording stopped: " + ioError + "; the file keeps what reached the disk before (the muxer had taken "
                + written + " frames; those of its unfinished cluster are lost)";
        LOG.warn("recording {}: {}", path, stopped);
        close();
        if (onStopped != null) {
            try {
                onStopped.accept(this);
            } catch (RuntimeException e) {
                LOG.warn("recording {}: stop listener failed", path, e);
            }
        }
    }

    /** Why the recording stopped by itself, or null while it records (or was removed normally). */
    public String stoppedReason() {
        return stopped;
    }

    public Path path() {
        return path;
    }

    public long framesWritten() {
        return writer.framesWritten();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public Destination describe() {
        Destination.Builder b = Destination.newBuilder().setId(id).setFile(path.toString());
        String why = stopped;
        if (why != null) {
            b.setError(why);
        }
        return b.build();
    }

    /** Finishes the file (writes the trailer); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
            LOG.info("recording {} finished", path);
        } catch (RuntimeException e) {
            LOG.warn("recording {}: closing failed: {}", path, e.getMessage());
        }
    }
}
