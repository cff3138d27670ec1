package io.ams.app.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ams ctl room}: Create, delete, list and show rooms. */
@Command(name = "room", aliases = "rooms",
        description = "Create, delete, list and show rooms.",
        subcommands = {RoomCreateCommand.class, RoomDeleteCommand.class, RoomListCommand.class, RoomGetCommand.class})
public final class RoomCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: create, delete, list or get");
    }
}
