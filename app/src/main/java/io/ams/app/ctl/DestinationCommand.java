package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ams ctl destination}: Add and remove where an output's RTP goes. */
@Command(name = "destination", aliases = {"destinations", "dest"},
        description = "Add and remove where an output's RTP goes.",
        subcommands = {DestinationAddCommand.class, DestinationRemoveCommand.class})
public final class DestinationCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: add or remove");
    }
}
