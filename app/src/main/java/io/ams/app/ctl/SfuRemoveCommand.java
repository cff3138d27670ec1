package io.ams.app.ctl;

import io.ams.proto.v1.RemoveSfuParticipantRequest;
import io.ams.proto.v1.RevokeTokenResponse;
import io.ams.proto.v1.SfuGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu remove ROOM PARTICIPANT}: ends its session and revokes its token. */
@Command(name = "remove", description = "Remove a participant from a room; its join link is revoked, so it cannot rejoin.")
final class SfuRemoveCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT", description = "A participant id as 'ams ctl sfu get' shows it (p1, p2, ...).")
    String participantId;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        RevokeTokenResponse r = sfu.removeParticipant(RemoveSfuParticipantRequest.newBuilder().setRoomId(roomId)
                .setParticipantId(participantId).build());
        print(r, () -> out().printf("removed %s from room %s; token %s revoked%s%n", participantId, roomId, r.getTokenId(),
                r.getPersisted() ? "" : " (in memory only: the revoked-tokens file could not be written)"));
    }
}
