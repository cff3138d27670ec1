package io.ams.app.ctl;

import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.Output;
import io.ams.proto.v1.OutputSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ams ctl output add <room> <output>}: AddOutput. */
@Command(name = "add", description = "Add an output (another mix of the same room).")
final class OutputAddCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "Output id, unique in the room.")
    String outputId;

    @Mixin
    OutputOptions options;

    @Override
    protected void run(MixerConnection mixer) {
        OutputSpec.Builder spec = OutputSpec.newBuilder().setId(outputId);
        options.applyTo(spec);
        Output output = mixer.unary().addOutput(AddOutputRequest.newBuilder()
                .setRoomId(roomId).setSpec(spec).build());
        print(output, () -> out().printf("output %s added to room %s: %s%n", output.getSpec().getId(), roomId,
                Render.outputSpec(output.getSpec())));
    }
}
