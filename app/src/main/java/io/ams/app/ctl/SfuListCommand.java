package io.ams.app.ctl;

import io.ams.proto.v1.ListSfuRoomsRequest;
import io.ams.proto.v1.ListSfuRoomsResponse;
import io.ams.proto.v1.SfuGrpc;
import picocli.CommandLine.Command;

/** {@code ams ctl sfu list}: the sidecar's rooms and whether its engine answers. */
@Command(name = "list", aliases = {"ls", "rooms"}, description = "List the rooms people are in.")
final class SfuListCommand extends SfuSubcommand {
    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        ListSfuRoomsResponse r = sfu.listRooms(ListSfuRoomsRequest.getDefaultInstance());
        print(r, () -> {
            out().println("engine: " + (r.getEngineConnected() ? "connected"
                    : "not connected" + (r.getEngineError().isEmpty() ? "" : " (" + r.getEngineError() + ")")));
            if (r.getRoomsCount() == 0) {
                out().println("no rooms");
            } else {
                Render.sfuRoomTable(out(), r.getRoomsList());
            }
            var a = r.getAccess();
            out().printf("access: %d join(s) refused (%d by a locked room, %d with a revoked link), %d removed, "
                    + "%d mute request(s), %d host action(s) refused, %d revoked token(s) held%n", a.getJoinsRefused(),
                    a.getJoinsRefusedLocked(), a.getJoinsRefusedRevoked(), a.getParticipantsRemoved(), a.getMuteRequests(),
                    a.getHostActionsRefused(), a.getRevokedTokens());
        });
    }
}
