package io.ams.app.ctl;

import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.RequestKeyframeResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl keyframe <room>}: RequestKeyframe. */
@Command(name = "keyframe", description = "Force a keyframe in an output's next frame.")
final class KeyframeCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Option(names = "--output", paramLabel = "OUTPUT", description = "Output id (default: every output).")
    String outputId;

    @Override
    protected void run(MixerConnection mixer) {
        RequestKeyframeRequest.Builder request = RequestKeyframeRequest.newBuilder().setRoomId(roomId);
        if (outputId != null) {
            request.setOutputId(outputId);
        }
        RequestKeyframeResponse response = mixer.unary().requestKeyframe(request.build());
        print(response, () -> out().printf("keyframe requested: room %s, %s%n", roomId,
                outputId == null ? "every output" : "output " + outputId));
    }
}
