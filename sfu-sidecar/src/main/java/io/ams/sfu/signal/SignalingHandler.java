package io.ams.sfu.signal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The room logic behind the WebSocket. Every call for every session happens on ONE signaling thread
 * (never the network I/O thread), in the order the messages arrived, so implementations need no
 * locking among themselves and may take a few milliseconds (creating an ICE agent, say).
 */
public interface SignalingHandler {
    void onOpen(SignalingSession s);

    /**
     * A well-formed message: a JSON object with a known "type". Field validation is the handler's;
     * throw {@link BadMessageException} to answer error{code:"bad_message"}.
     */
    void onMessage(SignalingSession s, String type, JsonNode message) throws BadMessageException;

    void onClose(SignalingSession s, String reason);
}
