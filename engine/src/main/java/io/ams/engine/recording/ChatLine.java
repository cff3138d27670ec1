package io.ams.engine.recording;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A line of a room's text chat as a recording keeps it ({@link RecordingChunks} kind 3): who said it, when
 * (Unix ms, the sidecar's clock) and what. Encoded as {@code i64 atUnixMs | UTF participantId | UTF
 * displayName | UTF text} (Java's modified UTF-8, each at most 65535 bytes: far above what the RPC accepts).
 */
public record ChatLine(String participantId, String displayName, long atUnixMs, String text) {
    byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeLong(atUnixMs);
            out.writeUTF(participantId);
            out.writeUTF(displayName);
            out.writeUTF(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail; a line too long is the caller's bug
        }
        return b.toByteArray();
    }

    static ChatLine decode(byte[] data, long chunkIndex) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            long at = in.readLong();
            String participant = in.readUTF();
            String name = in.readUTF();
            String text = in.readUTF();
            return new ChatLine(participant, name, at, text);
        } catch (IOException e) {
            throw new IOException("chunk " + chunkIndex + " holds a chat line that does not read: " + e.getMessage(), e);
        }
    }

    /** Who said it, as a subtitle names them: the display name, else the participant id. */
    public String speaker() {
        return displayName.isEmpty() ? participantId : displayName;
    }
}
