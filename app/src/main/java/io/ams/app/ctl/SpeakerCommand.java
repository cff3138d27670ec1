package io.ams.app.ctl;

import io.ams.proto.v1.Room;
import io.ams.proto.v1.SetMainSpeakerRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl speaker <room> <participant>}: SetMainSpeaker. */
@Command(name = "speaker", description = "Make a participant the room's main speaker.")
final class SpeakerCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT")
    String participantId;

    @Override
    protected void run(MixerConnection mixer) {
        Room room = mixer.unary().setMainSpeaker(SetMainSpeakerRequest.newBuilder()
                .setRoomId(roomId).setParticipantId(participantId).build());
        print(room, () -> out().printf("main speaker of room %s: %s%n", room.getId(), room.getMainSpeakerId()));
    }
}
