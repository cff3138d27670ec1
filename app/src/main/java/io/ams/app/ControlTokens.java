package io.ams.app;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.ams.proto.auth.ControlToken;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The control token of a server command ({@code --control-token-file}, made there if missing, else
 * AMS_CONTROL_TOKEN) and the start-up rule, as usage errors with one clear line (docs/SECURITY.md).
 */
final class ControlTokens {
    private ControlTokens() {
    }

    /** The token, or null when neither the flag nor the environment gives one. */
    static ControlToken forServer(CommandLine cmd, Path file) {
        try {
            return ControlToken.resolve(file, System.getenv()).orElse(null);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ParameterException(cmd, e.getMessage(), e);
        }
    }

    /** Usage error unless a server on {@code host} may start ({@link io.ams.proto.auth.ControlExposure}). */
    static void checkExposure(CommandLine cmd, String flag, String host, ControlToken token, boolean insecure) {
        String refusal = io.ams.proto.auth.ControlExposure.refusal(flag, host, token != null, insecure);
        if (refusal != null) {
            throw new ParameterException(cmd, refusal);
        }
    }
}
