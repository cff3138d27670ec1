package io.ams.sfu.transport;

/** Control-path failure of the transport layer (cannot bind the port, cannot create an ICE agent). */
public final class TransportException extends RuntimeException {
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
