package io.ams.app.ctl;

import io.ams.proto.v1.AddRecordingTextRequest;
import io.ams.proto.v1.AddRecordingTextResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl recording text ROOM TEXT [--from ID] [--name NAME]}: AddRecordingText. */
@Command(name = "text", description = {"Add a line to the room's running recordings, as if said in its chat now",
        "(it shows in the export's .chat.vtt). The sidecar sends its rooms' chat by itself."})
final class RecordingTextCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "TEXT")
    String text;

    @Option(names = "--from", paramLabel = "ID", description = "Participant id of who said it (default: none).")
    String participantId = "";

    @Option(names = "--name", paramLabel = "NAME", description = "Display name of who said it (default: none).")
    String name = "";

    @Override
    protected void run(MixerConnection mixer) {
        AddRecordingTextResponse r = mixer.unary().addRecordingText(AddRecordingTextRequest.newBuilder().setRoomId(roomId)
                .setParticipantId(participantId).setDisplayName(name).setText(text).build());
        print(r, () -> out().println(r.getRecordings() == 0 ? "room " + roomId + " records nothing: the line was not kept"
                : "kept by " + r.getRecordings() + " recording" + (r.getRecordings() == 1 ? "" : "s") + " of " + roomId));
    }
}
