package io.ams.app.ctl;

import io.ams.proto.v1.Participant;
import io.ams.proto.v1.SetParticipantVideoRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl video <room> <participant> --off|--on}: SetParticipantVideo. */
@Command(name = "video", description = "Show a participant's name placeholder in the mix instead of its camera (--off), "
        + "or its camera again (--on). The sidecar does this by itself when a participant turns the camera off.")
final class VideoCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT")
    String participantId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    State state;

    static final class State {
        @Option(names = "--off", required = true, description = "Camera off: the name placeholder.")
        boolean off;

        @Option(names = "--on", required = true, description = "Camera on: its frames again.")
        boolean on;
    }

    @Override
    protected void run(MixerConnection mixer) {
        Participant p = mixer.unary().setParticipantVideo(SetParticipantVideoRequest.newBuilder()
                .setRoomId(roomId).setParticipantId(participantId).setVideoMuted(state.off).build());
        print(p, () -> out().printf("%s/%s: camera %s%n", roomId, p.getId(), p.getVideoMuted() ? "off (name placeholder)" : "on"));
    }
}
