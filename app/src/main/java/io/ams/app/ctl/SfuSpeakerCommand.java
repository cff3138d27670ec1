package io.ams.app.ctl;

import io.ams.proto.v1.SetSfuMainSpeakerRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.proto.v1.SfuRoom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu speaker ROOM [PARTICIPANT]}: the operator's main-speaker override. */
@Command(name = "speaker",
        description = "Make a participant everyone's main video; without PARTICIPANT, voice activity decides again.")
final class SfuSpeakerCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT", arity = "0..1",
            description = "A participant id as 'ams ctl sfu get' shows it (p1, p2, ...).")
    String participantId;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        SfuRoom room = sfu.setMainSpeaker(SetSfuMainSpeakerRequest.newBuilder().setRoomId(roomId)
                .setParticipantId(participantId == null ? "" : participantId).build());
        print(room, () -> out().printf("main speaker of room %s: %s%n", room.getId(),
                room.getPinnedSpeakerId().isEmpty() ? "chosen by voice activity (now " + orNone(room.getMainSpeakerId()) + ")"
                        : room.getPinnedSpeakerId() + " (set by operator)"));
    }

    private static String orNone(String id) {
        return id.isEmpty() ? "nobody" : id;
    }
}
