package io.ams.app.ctl;

import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RemoveParticipantResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl participant remove <room> <id>}: RemoveParticipant. */
@Command(name = "remove", aliases = "rm", description = "Remove a participant and free its media port.")
final class ParticipantRemoveCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT")
    String participantId;

    @Override
    protected void run(MixerConnection mixer) {
        RemoveParticipantResponse response = mixer.unary().removeParticipant(RemoveParticipantRequest.newBuilder()
                .setRoomId(roomId).setParticipantId(participantId).build());
        print(response, () -> out().printf("participant %s removed from room %s%n", participantId, roomId));
    }
}
