package io.ams.app;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ams demo}: an engine with synthetic participants, end to end (not written yet). */
@Command(name = "demo", description = "Run an engine with test participants and write the mix (not implemented yet).")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: ams demo is not implemented yet");
        return Ams.EXIT_FAILURE;
    }
}
