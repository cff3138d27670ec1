package io.ams.app.ctl;

import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.Room;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ams ctl room create <id>}: CreateRoom. */
@Command(name = "create", description = "Create a room with its 'main' output.")
final class RoomCreateCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM", description = "Room id, [A-Za-z0-9._-]{1,64}.")
    String roomId;

    @Mixin
    OutputOptions output;

    @Override
    protected void run(MixerConnection mixer) {
        CreateRoomRequest.Builder request = CreateRoomRequest.newBuilder().setRoomId(roomId);
        output.applyTo(request);
        Room room = mixer.unary().createRoom(request.build());
        print(room, () -> out().printf("room %s created: %s%n", room.getId(), Render.outputSpec(Render.mainSpec(room))));
    }
}
