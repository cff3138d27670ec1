package io.ams.app.ctl;

import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.DeleteRoomResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl room delete <id>}: DeleteRoom. */
@Command(name = "delete", description = "Delete a room, its participants and outputs.")
final class RoomDeleteCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Override
    protected void run(MixerConnection mixer) {
        DeleteRoomResponse response = mixer.unary().deleteRoom(DeleteRoomRequest.newBuilder().setRoomId(roomId).build());
        print(response, () -> out().printf("room %s deleted%n", roomId));
    }
}
