package io.ams.app;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** Runs {@code ams} in-process with captured stdout and stderr. */
public final class Cli {
    /** What one run printed and returned. */
    public record Result(int exit, String out, String err) {
    }

    private Cli() {
    }

    public static Result run(String... args) {
        CommandLine cmd = Ams.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
