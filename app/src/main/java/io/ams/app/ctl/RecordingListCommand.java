package io.ams.app.ctl;

import io.ams.proto.v1.ListRecordingsRequest;
import io.ams.proto.v1.ListRecordingsResponse;
import io.ams.proto.v1.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl recording list [ROOM]}: ListRecordings. */
@Command(name = "list", aliases = "ls", description = "Running recordings and the sealed files in the record directory.")
final class RecordingListCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM", arity = "0..1")
    String roomId = "";

    @Override
    protected void run(MixerConnection mixer) {
        ListRecordingsResponse response = mixer.unary().listRecordings(ListRecordingsRequest.newBuilder().setRoomId(roomId).build());
        print(response, () -> {
            if (response.getRecordingsCount() == 0) {
                out().println("no recordings");
                return;
            }
            out().printf("%-24s %-16s %-8s %12s %7s  %s%n", "FILE", "ROOM", "STATE", "BYTES", "CHUNKS", "BY / ERROR");
            for (Recording r : response.getRecordingsList()) {
                String state = r.getRunning() ? "running" : r.getError().isEmpty() ? "done" : "failed";
                out().printf("%-24s %-16s %-8s %12d %7s  %s%n", r.getFile(), r.getRoomId().isEmpty() ? "-" : r.getRoomId(), state,
                        r.getBytes(), r.getRunning() ? String.valueOf(r.getChunks()) : "-",
                        r.getError().isEmpty() ? r.getStartedBy() : r.getError());
            }
        });
    }
}
