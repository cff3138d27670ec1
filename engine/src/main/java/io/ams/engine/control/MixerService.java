package io.ams.engine.control;

import io.ams.engine.room.RoomManager;
import io.ams.proto.v1.MixerGrpc;

/** The ams.v1.Mixer gRPC service: translates requests and delegates to {@link RoomManager}. */
public final class MixerService extends MixerGrpc.MixerImplBase {
    private final RoomManager rooms;

    public MixerService(RoomManager rooms) {
        this.rooms = rooms;
    }
}
