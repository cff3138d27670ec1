package io.ams.sfu.signal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.SocketAddress;

/** One client's WebSocket. {@link #send} is thread-safe and never blocks. */
public interface SignalingSession {
    String id();

    SocketAddress remoteAddress();

    /** Sends one JSON object (it must carry "type"). */
    void send(ObjectNode message);

    /** Closes the WebSocket after the messages already sent. */
    void close(String reason);

    Object attachment();

    void attach(Object o);
}
