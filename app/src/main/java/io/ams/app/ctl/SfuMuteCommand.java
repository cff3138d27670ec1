package io.ams.app.ctl;

import io.ams.proto.v1.MuteSfuParticipantRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.proto.v1.SfuRoom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu mute ROOM PARTICIPANT}: asks the participant to mute (its web client does). */
@Command(name = "mute", description = "Ask a participant to mute its microphone; the web client mutes and says who asked.")
final class SfuMuteCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT", description = "A participant id as 'ams ctl sfu get' shows it (p1, p2, ...).")
    String participantId;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        SfuRoom room = sfu.muteParticipant(MuteSfuParticipantRequest.newBuilder().setRoomId(roomId)
                .setParticipantId(participantId).build());
        print(room, () -> out().printf("asked %s in room %s to mute%n", participantId, room.getId()));
    }
}
