package io.ams.app.ctl;

import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.Recording;
import io.ams.proto.v1.StartRecordingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl recording start ROOM [--id ID] [--layout speaker]}: StartRecording. */
@Command(name = "start", description = "Record a room (its own output, sealed into ROOM-ID.amsrec in the record directory).")
final class RecordingStartCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Option(names = "--id", paramLabel = "ID", description = "Recording id (default: the start time, yyyyMMdd-HHmmss).")
    String recordingId = "";

    @Option(names = "--layout", paramLabel = "KIND", defaultValue = "SPEAKER",
            description = "GRID, FILMSTRIP or SPEAKER (default: ${DEFAULT-VALUE}).")
    LayoutKind layout;

    @Option(names = "--by", paramLabel = "NAME", description = "Who starts it (shown to the participants).")
    String by = "";

    @Override
    protected void run(MixerConnection mixer) {
        Recording r = mixer.unary().startRecording(StartRecordingRequest.newBuilder().setRoomId(roomId)
                .setRecordingId(recordingId).setStartedBy(by)
                .setLayout(Layout.newBuilder().setKind(layout).setHighlightSpeaker(true)).build());
        print(r, () -> out().printf("recording %s of %s started: %s%n", r.getId(), roomId, r.getFile()));
    }
}
