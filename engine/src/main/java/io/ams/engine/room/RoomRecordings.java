package io.ams.engine.room;

import io.ams.engine.EngineException;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.recording.ChatLine;
import io.ams.engine.recording.SealedRecordingSink;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A room's running recordings. Each is an output of its own (the room's canvas, frame rate and codec,
 * in its own layout: SPEAKER by default, independent of the live mix) recorded sealed into
 * {@code ROOM-ID.amsrec}. Guarded by the room's lock (the room calls in under it).
 */
public final class RoomRecordings {
    static final int MAX_PER_ROOM = 4;
    static final int MAX_TEXT_CHARS = 4000;
    /** A chat line said longer ago than this (or a sidecar clock ahead of ours) is timed at this much ago. */
    static final long MAX_TEXT_DELAY_MS = 10_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final DateTimeFormatter DEFAULT_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** One running recording. */
    public record Running(String id, String outputId, SealedRecordingSink sink, Path file, long startedAtMs, String startedBy) {
    }

    private final String roomId;
    private final Map<String, Running> running = new LinkedHashMap<>();

    RoomRecordings(String roomId) {
        this.roomId = roomId;
    }

    Running start(Room room, String recordingId, LayoutSpec layout, String startedBy) {
        String id = recordingId == null || recordingId.isEmpty() ? LocalDateTime.now().format(DEFAULT_ID) : recordingId;
        if (!ID.matcher(id).matches()) {
            throw EngineException.invalid("recording_id '" + id + "' must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        String by = startedBy == null ? "" : startedBy.strip();
        if (by.length() > 64 || by.chars().anyMatch(Character::isISOControl)) {
            throw EngineException.invalid("started_by must be up to 64 printable characters");
        }
        if (running.containsKey(id)) {
            throw EngineException.alreadyExists("recording", id);
        }
        if (running.size() >= MAX_PER_ROOM) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "room '" + roomId + "' has "
                    + MAX_PER_ROOM + " recordings running already");
        }
        OutputSpec main = room.output(OutputSpec.MAIN).spec();
        String outputId = "rec-" + id;
        Output o = room.addOutput(new OutputSpec(outputId, main.width(), main.height(), main.fps(), main.codec(),
                main.bitrateKbps(), layout == null ? LayoutSpec.of(io.ams.engine.compose.LayoutKind.SPEAKER) : layout));
        SealedRecordingSink sink;
        try {
            String file = roomId + "-" + id + Room.SEALED_SUFFIX;
            RecordingNames.check(file);
            sink = room.addSealedRecording(o, "recording", file);
        } catch (RuntimeException e) {
            room.removeOutput(outputId);
            throw e;
        }
        o.requestKeyframe(); // the recording starts at once, not at the next scheduled keyframe
        Running r = new Running(id, outputId, sink, Path.of(sink.describe().getFile()), System.currentTimeMillis(), by);
        running.put(id, r);
        return r;
    }

    /** Stops {@code recordingId} (empty: the only one), finishing its file. */
    Running stop(Room room, String recordingId) {
        String id = recordingId;
        if (id == null || id.isEmpty()) {
            if (running.size() != 1) {
                throw running.isEmpty() ? new EngineException(EngineException.Kind.NOT_FOUND, "room '" + roomId
                        + "' is not recording") : EngineException.invalid("room '" + roomId + "' has " + running.size()
                        + " recordings running: name one (" + String.join(", ", running.keySet()) + ")");
            }
            id = running.keySet().iterator().next();
        }
        Running r = running.remove(id);
        if (r == null) {
            throw new EngineException(EngineException.Kind.NOT_FOUND, "room '" + roomId + "' has no recording '" + id
                    + "' running");
        }
        room.removeOutput(r.outputId()); // closes the sink: the last chunk and the final marker are written
        return r;
    }

    /**
     * Keeps {@code line} with every running recording, timed on each one's video clock at when it was said (up
     * to {@link #MAX_TEXT_DELAY_MS} ago: the sidecar's clock may differ from ours); how many kept it.
     */
    int addText(Room room, ChatLine line) {
        long nowMillis = System.currentTimeMillis();
        long ago = Math.max(0, Math.min(MAX_TEXT_DELAY_MS, nowMillis - line.atUnixMs()));
        long saidNanos = System.nanoTime() - ago * 1_000_000L;
        int kept = 0;
        for (Running r : running.values()) {
            if (r.sink().sendText(line, room.output(r.outputId()).rtpTimestampAt(saidNanos))) {
                kept++;
            }
        }
        return kept;
    }

    /** A chat line as AddRecordingText gives it, checked; {@code atUnixMs} 0 is now. */
    static ChatLine chatLine(String participantId, String displayName, String text, long atUnixMs) {
        String who = participantId == null ? "" : participantId;
        String name = displayName == null ? "" : displayName;
        if (who.length() > 64 || who.chars().anyMatch(Character::isISOControl)) {
            throw EngineException.invalid("participant_id must be up to 64 printable characters");
        }
        if (name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
            throw EngineException.invalid("display_name must be up to 128 printable characters");
        }
        if (text == null || text.isBlank() || text.length() > MAX_TEXT_CHARS) {
            throw EngineException.invalid("text must be 1 to " + MAX_TEXT_CHARS + " characters, not only spaces");
        }
        if (text.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c))) {
            throw EngineException.invalid("text must hold no control characters other than newlines");
        }
        if (atUnixMs < 0) {
            throw EngineException.invalid("at_unix_ms must be 0 (now) or a time in Unix milliseconds");
        }
        return new ChatLine(who, name, atUnixMs == 0 ? System.currentTimeMillis() : atUnixMs, text);
    }

    List<Running> list() {
        return new ArrayList<>(running.values());
    }

    /** Its output went (removed through the output API): it is no longer running. */
    void forget(String outputId) {
        running.values().removeIf(r -> r.outputId().equals(outputId));
    }

    /** The room closes: its recordings finish with it (the outputs close with the room). */
    void clear() {
        running.clear();
    }
}
