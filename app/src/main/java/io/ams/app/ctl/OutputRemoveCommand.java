package io.ams.app.ctl;

import io.ams.proto.v1.RemoveOutputRequest;
import io.ams.proto.v1.RemoveOutputResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl output remove <room> <output>}: RemoveOutput. */
@Command(name = "remove", aliases = "rm", description = "Remove an output and its destinations.")
final class OutputRemoveCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "OUTPUT")
    String outputId;

    @Override
    protected void run(MixerConnection mixer) {
        RemoveOutputResponse response = mixer.unary().removeOutput(RemoveOutputRequest.newBuilder()
                .setRoomId(roomId).setOutputId(outputId).build());
        print(response, () -> out().printf("output %s removed from room %s%n", outputId, roomId));
    }
}
