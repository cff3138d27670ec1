package io.ams.engine.egress;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.MediaFileWriter;
import io.ams.proto.v1.Destination;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpPayload;

/**
 * A recording destination: the output's encoded frames muxed into a playable file (WebM or
 * Matroska) without re-encoding. The writer waits for the first keyframe.
 */
public final class FileSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final String id;
    private final Path path;
    private final MediaFileWriter writer;   // owned: closed in close()
    private final AtomicLong errors = new AtomicLong();
    private boolean started;
    private boolean closed;

    public FileSink(String id, Path path, MediaFileWriter writer) {
        this.id = id;
        this.path = path;
        this.writer = writer;
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
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public Destination describe() {
        return Destination.newBuilder().setId(id).setFile(path.toString()).build();
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
