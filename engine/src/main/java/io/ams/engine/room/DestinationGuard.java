package io.ams.engine.room;

import java.net.InetAddress;

import io.ams.engine.EngineException;

/**
 * Decides whether an output may send RTP to an address (issue 8 part 2: the engine is no UDP
 * reflector aimed at third parties). Called with the resolved address before a destination is
 * made; refuses with an {@link EngineException} of kind PERMISSION_DENIED that gives the reason.
 */
@FunctionalInterface
public interface DestinationGuard {
    /** Loopback only. */
    DestinationGuard LOOPBACK = (host, address) -> {
        if (!address.isLoopbackAddress()) {
            throw new EngineException(EngineException.Kind.PERMISSION_DENIED, "destination " + host
                    + " is not allowed: RTP goes to loopback only");
        }
    };

    void check(String host, InetAddress address);
}
