package io.ams.engine.recording;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.atrest.SealedFileException;
import io.ams.engine.atrest.SealedFileReader;
import io.ams.engine.codec.MediaFileWriter;
import io.ams.rtp.EncodedFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sealed recording ({@code .amsrec}) into a standard file (WebM/Matroska for VP8, MP4 or
 * Matroska for H.264) that players and browsers open, checking every chunk on the way. An edited,
 * reordered or missing chunk, or the wrong key, is refused with the chunk named and no output left
 * behind; a recording cut short by a crash or a full disk is exported up to its last whole chunk,
 * with a warning saying so. The room's chat, when the recording holds any (RPC AddRecordingText), goes into a
 * WebVTT file next to the video ({@link ChatSubtitles#fileFor}); a recording without chat exports as before.
 */
public final class RecordingExport {
    /**
     * What an export produced; {@code warning} is null for a recording that was finished; {@code chatFile} is
     * null when the recording holds no chat, else the WebVTT file with its {@code chatLines}.
     */
    public record Result(Path out, long frames, long chunks, double seconds, String warning, long audioPackets,
                         Path chatFile, int chatLines) {
    }

    private RecordingExport() {
    }

    public static Result export(Path sealed, MasterKey key, Path out) throws IOException {
        Path chatFile = ChatSubtitles.fileFor(out);
        for (Path p : new Path[] {out, chatFile}) {
            if (Files.exists(p)) {
                throw new IOException(p + " exists; export does not overwrite");
            }
        }
        List<RecordingChunks.Media> chat = new ArrayList<>();
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
                    if (m.text() != null) {
                        chat.add(m);
                        continue;
                    }
                    if (f == null) {
                        writer.writeAudio(m.audio(), m.ts());
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
            List<ChatSubtitles.Cue> cues = new ArrayList<>();
            for (RecordingChunks.Media m : chat) {
                int sinceStart = (int) (m.ts() - firstTs); // 32-bit clock; a line before the first frame: at 0
                cues.add(new ChatSubtitles.Cue(Math.max(0, sinceStart) / 90_000.0, m.text()));
            }
            if (!cues.isEmpty()) {
                Files.writeString(chatFile, ChatSubtitles.vtt(cues), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            }
            ok = true;
            double seconds = frames == 0 ? 0 : ((lastTs - firstTs) & 0xFFFFFFFFL) / 90_000.0 + 1.0 / info.fps();
            return new Result(out, writer.framesWritten(), chunks, seconds, warning, writer.audioPacketsWritten(),
                    cues.isEmpty() ? null : chatFile, cues.size());
        } finally {
            if (!ok) {
                if (writer != null) {
                    writer.close();
                }
                Files.deleteIfExists(out); // a refused export leaves nothing half-made behind
                Files.deleteIfExists(chatFile);
            }
        }
    }
}
