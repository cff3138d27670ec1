package io.ams.sfu.engine;

import java.net.InetSocketAddress;

/**
 * The engines a sidecar's rooms are mixed on, as the rooms see them: one engine ({@link EngineLink}, the default) or
 * a cluster of them ({@link EngineCluster}, {@code --redis-uri}), which places each room on one engine and moves it
 * when that engine is lost or drains. The rooms state what they want; the implementation makes the engines follow,
 * on its own threads: no method blocks a media or signaling thread.
 */
public interface Engines extends AutoCloseable {
    void start();

    /** True while an engine answers (in a cluster: at least one). */
    boolean connected();

    String lastError();

    long rpcFailures();

    /** Want a mix for this room, sent as RTP to {@code mixTarget} (and its mixed audio to the same socket). */
    void openRoom(String roomId, InetSocketAddress mixTarget);

    void closeRoom(String roomId);

    /** Park (no engine work: a 1:1 call running peer to peer) or unpark the room. */
    void parkRoom(String roomId, boolean parked);

    boolean parked(String roomId);

    /** Want this participant decoded into the room's mix; video on {@code ssrc} (0: any), Opus with the RFC 6464 id. */
    void addParticipant(String roomId, String participantId, String displayName, long ssrc, int audioLevelExtId);

    default void addParticipant(String roomId, String participantId, String displayName, long ssrc) {
        addParticipant(roomId, participantId, displayName, ssrc, 0);
    }

    void removeParticipant(String roomId, String participantId);

    void setMainSpeaker(String roomId, String participantId);

    /**
     * The participant's camera is off ({@code muted}) or on: while off, the engine shows its name placeholder in
     * the mix instead of a black or frozen picture. Kept as a wish, like the main speaker.
     */
    void setVideoMuted(String roomId, String participantId, boolean muted);

    /** The participant's uplink RTT (ms, -1 unknown), any thread, as often as it likes. */
    void setParticipantRtt(String roomId, String participantId, int rttMillis);

    /** Where to send this participant's plain RTP, or null while no engine has it. */
    InetSocketAddress route(String roomId, String participantId);

    /** A receiver lost the mix picture: ask the room's engine for a keyframe (rate-limited). */
    void requestKeyframe(String roomId);

    /**
     * Want {@code image} (PNG, a document page) shown as the room's content tile, labelled {@code label};
     * null clears it. Kept as a wish: an engine that restarts or takes the room over gets it again.
     */
    void setContent(String roomId, byte[] image, String label);

    /** Want the room recorded or not; false if the room is not open. */
    boolean setRecording(String roomId, boolean on, String by);

    /**
     * A line of the room's chat, for the room's running recordings (Mixer.AddRecordingText); sent on the
     * implementation's own time: never waits, a failure is counted ({@link #recordingTextFailures}) and logged.
     */
    void addRecordingText(String roomId, String participantId, String displayName, String text, long atUnixMs);

    /** Chat lines that did not reach a recording (the engine was away or refused them). */
    long recordingTextFailures();

    @Override
    void close();
}
