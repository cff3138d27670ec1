package io.ams.engine.recording;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.atrest.SealedFileException;
import io.ams.engine.atrest.SealedFileReader;
import io.ams.engine.codec.MediaFileWriter;
import io.ams.rtp.EncodedFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a sealed recording ({@code .amsrec}) into a standard file (WebM/Matroska for VP8, MP4 or
 * Matroska for H.264) that players and browsers open, checking every chunk on the way. An edited,
 * reordered or missing chunk, or the wrong key, is refused with the chunk named and no output left
 * behind; a recording cut short by a crash or a full disk is exported up to its last whole chunk,
 * with a warning saying so.
 */
public final class RecordingExport {
    /** What an export produced; {@code warning} is null for a recording that was finished. */
    public record Result(Path out, long frames, long chunks, double seconds, String warning, long audioPackets) {
    }

    private RecordingExport() {
    }

    public static Result export(Path sealed, MasterKey key, Path out) throws IOException {
        if (Files.exists(out)) {
            throw new IOException(out + " exists; export does not overwrite");
        }
        long frames = 0;
        long firstTs = -1;
        long lastTs = 0;
        String warning = null;
        RecordingChunks.StreamInfo info;
        MediaFileWriter writer = null;
        boolean ok = false;
        try (SealedFileReader in = SealedFileReader.open(sealed, key)) {
            byte[] head = in.next();
            if (head == null) {
                throw new IOException(sealed + " holds no stream description");
            }
            info = RecordingChunks.parseInfo(head);
            writer = MediaFileWriter.open(out, info.codec(), info.width(), info.height(), info.fps(), info.audio());
            while (true) {
                byte[] chunk;
                try {
                    chunk = in.next();
                } catch (SealedFileException e) {
                    if (e.problem() == SealedFileException.Problem.TRUNCATED
                            || e.problem() == SealedFileException.Problem.UNFINISHED) {
                        warning = e.getMessage();
                        break;
                    }
                    throw e;
                }
                if (chunk == null) {
                    break;
                }
                for (RecordingChunks.Media m : RecordingChunks.media(chunk, info.codec(), in.chunksRead() - 1)) {
                    EncodedFrame f = m.video();
                    if (f == null) {
                        writer.writeAudio(m.audio(), m.audioTs());
                        continue;
                    }
                    if (firstTs < 0) {
                        firstTs = f.rtpTimestamp();
                    }
                    lastTs = f.rtpTimestamp();
                    writer.write(f);
                    frames++;
                }
            }
            long chunks = in.chunksRead();
            writer.close();
            if (writer.framesWritten() == 0) {
                throw new IOException(sealed + " holds no frames to export");
            }
            ok = true;
            double seconds = frames == 0 ? 0 : ((lastTs - firstTs) & 0xFFFFFFFFL) / 90_000.0 + 1.0 / info.fps();
            return new Result(out, writer.framesWritten(), chunks, seconds, warning, writer.audioPacketsWritten());
        } finally {
            if (!ok) {
                if (writer != null) {
                    writer.close();
                }
                Files.deleteIfExists(out); // a refused export leaves nothing half-made behind
            }
        }
    }
}
