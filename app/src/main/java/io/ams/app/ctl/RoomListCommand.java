package io.ams.app.ctl;

import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.ListRoomsResponse;
import picocli.CommandLine.Command;

/** {@code ams ctl room list}: ListRooms. */
@Command(name = "list", aliases = "ls", description = "List the rooms.")
final class RoomListCommand extends CtlSubcommand {
    @Override
    protected void run(MixerConnection mixer) {
        ListRoomsResponse response = mixer.unary().listRooms(ListRoomsRequest.getDefaultInstance());
        print(response, () -> {
            if (response.getRoomsCount() == 0) {
                out().println("no rooms");
            } else {
                Render.roomTable(out(), response.getRoomsList());
            }
        });
    }
}
