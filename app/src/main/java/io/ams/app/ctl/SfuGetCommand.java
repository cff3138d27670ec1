package io.ams.app.ctl;

import io.ams.proto.v1.GetSfuRoomRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.proto.v1.SfuRoom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu get ROOM}: one room with its participants and their relay counters. */
@Command(name = "get", aliases = "show", description = "Show a room: participants, who sees whom, relay counters.")
final class SfuGetCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        SfuRoom room = sfu.getRoom(GetSfuRoomRequest.newBuilder().setRoomId(roomId).build());
        print(room, () -> Render.sfuRoom(out(), room));
    }
}
