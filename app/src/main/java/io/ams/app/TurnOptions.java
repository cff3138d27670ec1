package io.ams.app;

import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --turn-uri}, {@code --turn-secret-file} and {@code --turn-ttl} checked and made into {@link IceServers}. */
final class TurnOptions {

    private TurnOptions() {
    }

    static IceServers iceServers(CommandLine cmd, List<String> uris, Path secretFile, String ttlText) {
        List<TurnUri> parsed = new ArrayList<>();
        for (String u : uris) {
            try {
                parsed.add(TurnUri.parse(u));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cmd, "--turn-uri " + e.getMessage());
            }
        }
        boolean turn = parsed.stream().anyMatch(TurnUri::isTurn);
        Duration ttl = ttl(cmd, ttlText);
        if (turn && secretFile == null) {
            throw new ParameterException(cmd, "--turn-uri with a turn:/turns: URI needs --turn-secret-file: browsers"
                    + " refuse TURN servers without credentials");
        }
        if (!turn && secretFile != null) {
            throw new ParameterException(cmd, "--turn-secret-file is given but no --turn-uri names a turn: or turns: server");
        }
        TurnSecret secret = null;
        if (secretFile != null) {
            try {
                secret = TurnSecret.read(secretFile);
            } catch (IOException e) {
                throw new ParameterException(cmd, "--turn-secret-file: " + e.getMessage());
            }
        }
        try {
            return new IceServers(parsed, secret, ttl);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, e.getMessage());
        }
    }

    /** "90s", "30m", "6h", "1d": 1 second to 7 days. */
    static Duration ttl(CommandLine cmd, String text) {
        return DurationFlag.parse(cmd, "--turn-ttl", text);
    }
}
