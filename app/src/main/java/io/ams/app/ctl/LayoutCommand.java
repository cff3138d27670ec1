package io.ams.app.ctl;

import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.Output;
import io.ams.proto.v1.SetLayoutRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl layout <room> <kind>}: SetLayout. */
@Command(name = "layout", description = "Change an output's layout.")
final class LayoutCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "grid|filmstrip|speaker|custom")
    LayoutKind kind;

    @Option(names = "--output", paramLabel = "OUTPUT", defaultValue = "main",
            description = "Output id (default: ${DEFAULT-VALUE}).")
    String outputId;

    @Mixin
    LayoutOptions layout;

    @Override
    protected void run(MixerConnection mixer) {
        Output output = mixer.unary().setLayout(SetLayoutRequest.newBuilder()
                .setRoomId(roomId).setOutputId(outputId).setLayout(layout.build(kind)).build());
        print(output, () -> out().printf("layout of %s/%s: %s%n", roomId, output.getSpec().getId(),
                Render.layout(output.getSpec().getLayout())));
    }
}
