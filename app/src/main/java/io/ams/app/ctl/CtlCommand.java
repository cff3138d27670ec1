package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code ams ctl}: a command-line client for every rpc of the ams.v1 Mixer service (and, under
 * {@code sfu}, of the sidecar's ams.v1.Sfu service). Holds the
 * options every subcommand inherits ({@code --target}, {@code --json}); each leaf command opens
 * its own {@link MixerConnection} and closes it when done.
 */
@Command(name = "ctl",
        description = "Control a running engine over gRPC.",
        subcommands = {
            RoomCommand.class,
            ParticipantCommand.class,
            OutputCommand.class,
            DestinationCommand.class,
            LayoutCommand.class,
            SpeakerCommand.class,
            ContentCommand.class,
            NetworkCommand.class,
            VideoCommand.class,
            AudioCommand.class,
            KeyframeCommand.class,
            StatsCommand.class,
            InfoCommand.class,
            DrainCommand.class,
            EventsCommand.class,
            RecordingCommand.class,
            TokenCommand.class,
            SfuCommand.class
        })
public final class CtlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:50051", scope = ScopeType.INHERIT,
            description = "The engine's gRPC address, plaintext (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--control-token-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Send the control token in FILE (the server's --control-token-file); "
                    + "AMS_CONTROL_TOKEN gives the token itself. Needed by servers that have a token.")
    java.nio.file.Path controlTokenFile;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine output: one JSON object per line (proto3 JSON mapping).")
    boolean json;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: room, participant, output, "
                + "destination, layout, speaker, network, keyframe, stats, info, events, token or sfu");
    }

    String target() {
        return target;
    }

    boolean json() {
        return json;
    }

    /** The token to send: from --control-token-file (which must exist), else AMS_CONTROL_TOKEN, else none. */
    io.ams.proto.auth.ControlToken controlToken() {
        if (controlTokenFile != null) {
            try {
                return io.ams.proto.auth.ControlToken.load(controlTokenFile);
            } catch (java.io.IOException e) {
                throw new ParameterException(spec.commandLine(), "--control-token-file " + controlTokenFile
                        + ": cannot read it (" + e.getMessage() + ")");
            }
        }
        try {
            return io.ams.proto.auth.ControlToken.resolve(null, System.getenv()).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
