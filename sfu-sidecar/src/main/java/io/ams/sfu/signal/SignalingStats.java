package io.ams.sfu.signal;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the signaling server. */
public final class SignalingStats {
    public final AtomicLong connections = new AtomicLong();
    public final AtomicLong open = new AtomicLong();
    public final AtomicLong messagesIn = new AtomicLong();
    public final AtomicLong badMessages = new AtomicLong();
    public final AtomicLong rateLimited = new AtomicLong();
    public final AtomicLong httpRequests = new AtomicLong();
    public final AtomicLong httpNotFound = new AtomicLong();
    /** Connections cut because the client left more than the write limit of our messages unread. */
    public final AtomicLong slowClients = new AtomicLong();
    /** Messages dropped because the room's queue of work was full (answered error busy). */
    public final AtomicLong busy = new AtomicLong();
    /** Signaling WebSockets opened on an HTTP/2 stream (RFC 8441) rather than their own HTTP/1.1 connection. */
    public final AtomicLong webSocketsOverH2 = new AtomicLong();
    /** Connections to the HTTP(S) port that were ICE-TCP and went on to the media port ({@code --ice-tcp-port https}). */
    public final AtomicLong iceTcpRelayed = new AtomicLong();
    /** Of those, open now. */
    public final AtomicLong iceTcpOpen = new AtomicLong();
    /** Connections to a shared HTTP(S) port whose first bytes were neither TLS/HTTP nor ICE-TCP: closed. */
    public final AtomicLong unknownProtocol = new AtomicLong();
    /** Connections to a shared HTTP(S) port that sent nothing within {@link PortSniffer}'s limit: closed. */
    public final AtomicLong silentConnections = new AtomicLong();

    @Override
    public String toString() {
        return "connections=" + connections + " open=" + open + " messagesIn=" + messagesIn + " badMessages=" + badMessages
                + " rateLimited=" + rateLimited + " httpRequests=" + httpRequests + " httpNotFound=" + httpNotFound
                + " slowClients=" + slowClients + " busy=" + busy + " webSocketsOverH2=" + webSocketsOverH2
                + " iceTcpRelayed=" + iceTcpRelayed + " iceTcpOpen=" + iceTcpOpen + " unknownProtocol=" + unknownProtocol
                + " silentConnections=" + silentConnections;
    }
}
