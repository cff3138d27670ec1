package io.ams.app.ctl;

import io.ams.proto.v1.Recording;
import io.ams.proto.v1.StopRecordingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl recording stop ROOM [ID]}: StopRecording. */
@Command(name = "stop", description = "Stop a room's recording (no ID: its only one) and finish the sealed file.")
final class RecordingStopCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "ID", arity = "0..1")
    String recordingId = "";

    @Override
    protected void run(MixerConnection mixer) {
        Recording r = mixer.unary().stopRecording(StopRecordingRequest.newBuilder().setRoomId(roomId)
                .setRecordingId(recordingId).build());
        print(r, () -> out().printf("recording %s of %s stopped: %s, %d bytes in %d chunks%s%n", r.getId(), roomId,
                r.getFile(), r.getBytes(), r.getChunks(), r.getError().isEmpty() ? "" : " (stopped early: " + r.getError() + ")"));
    }
}
