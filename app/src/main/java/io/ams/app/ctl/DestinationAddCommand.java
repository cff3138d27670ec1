package io.ams.app.ctl;

import io.ams.app.ApiText;
import io.ams.app.ApiText.HostPort;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.Destination;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl destination add <room> <host:port> | --file NAME}: AddDestination. */
@Command(name = "add", description = "Send an output's RTP to host:port too, or record it (--file).")
final class DestinationAddCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "HOST:PORT", description = "Where the RTP goes, e.g. 127.0.0.1:5004.")
    HostPort address;

    @Option(names = "--file", paramLabel = "NAME",
            description = "Record into NAME in the engine's record directory instead: .amsrec sealed (AES-GCM, export with "
                    + "'ams recording export'), or plain .webm/.mkv (.mp4 for H.264).")
    String fileName;

    @Option(names = "--output", paramLabel = "OUTPUT", defaultValue = "main",
            description = "Output id (default: ${DEFAULT-VALUE}).")
    String outputId;

    @Option(names = "--id", paramLabel = "ID", description = "Destination id (default: host:port).")
    String destinationId;

    @Option(names = "--ssrc", paramLabel = "N", converter = ApiText.Uint32.class,
            description = "SSRC of the sent stream (default: random).")
    Integer ssrc;

    @Option(names = "--pt", paramLabel = "96..127", description = "RTP payload type (default 96).")
    Integer payloadType;

    @Override
    protected void run(MixerConnection mixer) {
        if ((address == null) == (fileName == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give either HOST:PORT or --file NAME");
        }
        AddDestinationRequest.Builder request = AddDestinationRequest.newBuilder().setRoomId(roomId)
                .setOutputId(outputId);
        if (address != null) {
            request.setHost(address.host()).setPort(address.port());
        } else {
            request.setFileName(fileName);
        }
        if (destinationId != null) {
            request.setDestinationId(destinationId);
        }
        if (ssrc != null) {
            request.setSsrc(ssrc);
        }
        if (payloadType != null) {
            request.setPayloadType(PayloadTypes.check(spec, "--pt", payloadType));
        }
        Destination destination = mixer.unary().addDestination(request.build());
        print(destination, () -> out().printf("destination added to %s/%s: %s%n", roomId, outputId,
                Render.destination(destination)));
    }
}
