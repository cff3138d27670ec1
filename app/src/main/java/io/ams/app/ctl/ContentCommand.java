package io.ams.app.ctl;

import com.google.protobuf.ByteString;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.SetContentRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl content <room> (PICTURE [--label L] | --clear)}: SetContent, a still picture as the room's content tile. */
@Command(name = "content", description = "Show a PNG or JPEG picture (e.g. a slide) as the room's content tile in the mix "
        + "and recordings, or --clear it.")
final class ContentCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        @Parameters(index = "1", paramLabel = "PICTURE", description = "A PNG or JPEG file, at most 8 MB and 4096 pixels a side.")
        Path picture;

        @Option(names = "--clear", description = "Remove the content tile.")
        boolean clear;
    }

    @Option(names = "--label", paramLabel = "TEXT", description = "Shown on the tile (default: the file's name).")
    String label;

    @Override
    protected void run(MixerConnection mixer) {
        SetContentRequest.Builder req = SetContentRequest.newBuilder().setRoomId(roomId);
        if (!what.clear) {
            try {
                req.setImage(ByteString.copyFrom(Files.readAllBytes(what.picture)));
            } catch (IOException e) {
                throw io.grpc.Status.INVALID_ARGUMENT.withDescription("cannot read " + what.picture + ": " + e.getMessage())
                        .asRuntimeException(); // printed like the engine's own refusals

            }
            req.setLabel(label != null ? label : what.picture.getFileName().toString());
        }
        Room room = mixer.unary().setContent(req.build());
        print(room, () -> out().printf("content of room %s: %s%n", room.getId(),
                room.getContentLabel().isEmpty() ? "none" : room.getContentLabel()));
    }
}
