package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ams ctl participant}: Add and remove a room's participants (RTP senders). */
@Command(name = "participant", aliases = "participants",
        description = "Add and remove a room's participants (RTP senders).",
        subcommands = {ParticipantAddCommand.class, ParticipantRemoveCommand.class})
public final class ParticipantCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: add or remove");
    }
}
