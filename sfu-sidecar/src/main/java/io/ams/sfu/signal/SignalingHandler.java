package io.ams.sfu.signal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Executor;

/**
 * The room logic behind the WebSocket. Calls for one session happen one at a time, in the order the
 * messages arrived, never on the network I/O thread: on the executor {@link #laneFor} names (by
 * default one signaling thread shared by every session). A handler that names per-room lanes lets
 * rooms work in parallel; calls of sessions on one lane still never overlap.
 */
public interface SignalingHandler {
    void onOpen(SignalingSession s);

    /**
     * A well-formed message: a JSON object with a known "type". Field validation is the handler's;
     * throw {@link BadMessageException} to answer error{code:"bad_message"}.
     */
    void onMessage(SignalingSession s, String type, JsonNode message) throws BadMessageException;

    void onClose(SignalingSession s, String reason);

    /**
     * Where to run the call for {@code type} ("open", "close" or a message type; {@code message} null
     * for open and close). Called on the session's network thread, in message order: it must be quick
     * and must not block. Null: the server's shared signaling thread. The lane of a session's close
     * must be the one its last messages ran on, so that the close runs after them.
     */
    default Executor laneFor(SignalingSession s, String type, JsonNode message) {
        return null;
    }

    /**
     * Null while this server takes new rooms, else why not (e.g. "draining"): {@code GET /healthz} answers 503 with
     * it, so an orchestrator's readiness probe stops sending new users here. Called on the network thread: quick.
     */
    default String notReady() {
        return null;
    }
}
