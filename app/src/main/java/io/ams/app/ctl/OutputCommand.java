package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ams ctl output}: Add and remove a room's outputs (mixes). */
@Command(name = "output", aliases = "outputs",
        description = "Add and remove a room's outputs (mixes).",
        subcommands = {OutputAddCommand.class, OutputRemoveCommand.class})
public final class OutputCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: add or remove");
    }
}
