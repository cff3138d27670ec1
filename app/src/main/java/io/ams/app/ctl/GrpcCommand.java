package io.ams.app.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

import io.ams.app.Ams;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code ams ctl} leaf command, whichever service it calls: runs the command's calls
 * and turns gRPC errors into one {@code error: CODE: description} line on stderr with exit code 1;
 * prints human text or, with {@code --json}, one JSON object per line.
 */
abstract class GrpcCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcCommand.class);
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().omittingInsignificantWhitespace().alwaysPrintFieldsWithNoPresence();

    @Spec
    CommandSpec spec;

    /**
     * Runs {@code calls} against the server at {@code target}; {@code server} and {@code hint} make
     * the error printed when nothing answers there ("cannot reach the engine at H:P (is 'ams engine'
     * running?)").
     */
    protected final Integer guarded(String target, String server, String hint, Runnable calls) {
        try {
            calls.run();
            return Ams.EXIT_OK;
        } catch (StatusRuntimeException e) {
            LOG.debug("rpc failed", e);
            err().println("error: " + describe(e.getStatus(), target, server, hint));
            return Ams.EXIT_FAILURE;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** "NOT_FOUND: room 'r1' does not exist", or the hint that nothing listens at the target. */
    static String describe(Status status, String target, String server, String hint) {
        if (status.getCode() == Status.Code.UNAVAILABLE && unreachable(status.getCause())) {
            return "cannot reach " + server + " at " + target + " (" + hint + ")";
        }
        String description = status.getDescription();
        return status.getCode() + (description == null || description.isEmpty() ? "" : ": " + description);
    }

    private static boolean unreachable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // connection refused, unknown host, no route: IOExceptions of the transport
            if (t instanceof IOException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    protected final boolean json() {
        return ctl().json();
    }

    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code message} as one JSON line with {@code --json}, else runs {@code human}. */
    protected final void print(MessageOrBuilder message, Runnable human) {
        if (json()) {
            printJson(message);
        } else {
            human.run();
        }
    }

    protected final void printJson(MessageOrBuilder message) {
        try {
            out().println(JSON.print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
        out().flush();
    }

    final CtlCommand ctl() {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof CtlCommand ctl) {
                return ctl;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under 'ams ctl'");
    }
}
