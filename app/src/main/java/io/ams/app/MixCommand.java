package io.ams.app;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ams mix}: mix media files or RTP inputs in one process (not written yet). */
@Command(name = "mix", description = "Mix inputs into one video without a server (not implemented yet).")
public final class MixCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: ams mix is not implemented yet");
        return Ams.EXIT_FAILURE;
    }
}
