package io.ams.app.ctl;

import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.proto.v1.RemoveDestinationResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl destination remove <room> <destination>}: RemoveDestination. */
@Command(name = "remove", aliases = "rm", description = "Stop sending an output's RTP to a destination.")
final class DestinationRemoveCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "Destination id (host:port unless --id was given).")
    String destinationId;

    @Option(names = "--output", paramLabel = "OUTPUT", defaultValue = "main",
            description = "Output id (default: ${DEFAULT-VALUE}).")
    String outputId;

    @Override
    protected void run(MixerConnection mixer) {
        RemoveDestinationResponse response = mixer.unary().removeDestination(RemoveDestinationRequest.newBuilder()
                .setRoomId(roomId).setOutputId(outputId).setDestinationId(destinationId).build());
        print(response, () -> out().printf("destination %s removed from %s/%s%n", destinationId, roomId, outputId));
    }
}
