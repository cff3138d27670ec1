package io.ams.app.ctl;

import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.Room;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl room get <id>}: GetRoom. */
@Command(name = "get", description = "Show a room: participants, outputs and destinations.")
final class RoomGetCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Override
    protected void run(MixerConnection mixer) {
        Room room = mixer.unary().getRoom(GetRoomRequest.newBuilder().setRoomId(roomId).build());
        print(room, () -> Render.roomDetail(out(), room));
    }
}
