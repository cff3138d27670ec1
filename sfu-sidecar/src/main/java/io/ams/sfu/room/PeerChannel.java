package io.ams.sfu.room;

import java.util.List;
import java.util.Map;

/** What a room tells one participant's client (the signaling layer turns these into JSON messages). */
public interface PeerChannel {
    /** A participant as the client's list shows it. */
    record ParticipantView(String id, String name, boolean speaking, boolean audioMuted, boolean videoMuted) {
    }

    /** What a client does with the m-section {@code mid}: role main|mix|audio, and whose audio. */
    record TrackRole(String role, String participantId) {
    }

    /**
     * What the server sends this participant (message {@code bandwidth}): the downlink estimate, what was
     * allocated, the main video's layer (rid, "" for a single stream, null when none) and whether the main
     * video is paused because the downlink cannot carry it next to the mix.
     */
    record Bandwidth(long estimateBps, long allocatedBps, String mainLayer, boolean mixOnly, boolean probing) {
    }

    void offer(String sdp, Map<String, TrackRole> tracks);

    void participants(List<ParticipantView> list);

    void speaker(String main, String previous);

    void mix(boolean available);

    void error(String code, String message);

    /**
     * What this participant's camera must send (docs/SIGNALING.md "constraints"): one entry per encoding
     * (simulcast layer by rid, or the single stream with rid null). The client answers "constraints-applied".
     */
    default void constraints(int version, List<io.ams.sfu.layers.SenderConstraints.Encoding> encodings) {
    }

    /** The downlink's allocation changed (docs/SIGNALING.md "bandwidth"). */
    default void bandwidth(Bandwidth b) {
    }

    /** The server ends this participant's session (after a final message). */
    void bye(String reason);

    /** The room is (no longer) being recorded; {@code by}: who started it. */
    default void recording(boolean active, String by) {
    }

    /** This participant now hears {@code mode} audio: "mixed" (one stream from the engine) or "forwarded". */
    default void audioMode(String mode) {
    }

    /**
     * A peer-to-peer message (docs/SIGNALING.md "Peer to peer"): {@code type} with these fields (values:
     * strings, numbers, booleans, null, lists and maps of them).
     */
    default void p2p(String type, Map<String, ?> fields) {
    }

    /**
     * What our sender reports of the streams relayed to this participant just said (message {@code clock},
     * about once a second): the client lines the main video up with its speaker's voice from it.
     */
    default void clock(List<io.ams.sfu.quality.StreamClock> streams) {
    }

    /** Everyone's connection quality (message {@code quality}, about once a second when it changed). */
    default void quality(List<io.ams.sfu.quality.ParticipantQuality> list) {
    }

    /** Documents and presenting (docs/SIGNALING.md "Documents"): message {@code type} with these fields. */
    default void content(String type, Map<String, ?> fields) {
    }

    /** Someone in the room (this participant too) said {@code m} in the chat (message {@code chat}). */
    default void chat(ChatLog.Message m) {
    }

    /** The room's chat so far, oldest first, right after the join (message {@code chat-history}). */
    default void chatHistory(List<ChatLog.Message> messages) {
    }
}
