package io.ams.app.ctl;

import io.ams.sfu.SidecarConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code ams ctl sfu}: the SFU sidecar's control API (ams.v1.Sfu): the rooms people are in, who
 * sees whom, relay counters, the operator's main-speaker override, and room access control (lock, remove,
 * ask to mute, revoke a token; docs/SECURITY.md). The sidecar listens on its
 * own gRPC port, so these commands take {@code --sfu} rather than the engine's {@code --target}.
 */
@Command(name = "sfu",
        description = "Inspect the SFU sidecar's rooms, set their main speaker, lock them, remove or mute participants, "
                + "revoke join tokens.",
        subcommands = {SfuListCommand.class, SfuGetCommand.class, SfuSpeakerCommand.class, SfuLockCommand.class,
            SfuRemoveCommand.class, SfuMuteCommand.class, SfuRevokeCommand.class, SfuDrainCommand.class})
public final class SfuCommand implements Runnable {
    static final String DEFAULT_TARGET = "127.0.0.1:" + SidecarConfig.DEFAULT_GRPC_PORT;

    @Spec
    CommandSpec spec;

    @Option(names = "--sfu", paramLabel = "HOST:PORT", defaultValue = DEFAULT_TARGET, scope = ScopeType.INHERIT,
            description = "The sidecar's gRPC address, plaintext (default: ${DEFAULT-VALUE}; the all-in-one "
                    + "'ams' prints its port).")
    String target;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: list, get, speaker, lock, remove, mute or revoke");
    }
}
