package io.ams.sfu.engine;

import java.net.InetSocketAddress;

import io.ams.proto.v1.Destination;

/** Test access to {@link EngineLink#mixSender} from other packages. */
public final class EngineLinkMixSender {
    private EngineLinkMixSender() {
    }

    public static InetSocketAddress of(Destination d, InetSocketAddress mixTarget) {
        return RoomSetup.mixSender(d, mixTarget);
    }
}
