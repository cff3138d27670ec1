package io.ams.app;

import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --turn-uri}, {@code --turn-secret-file} and {@code --turn-ttl} checked and made into {@link IceServers}. */
final class TurnOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})([smhd])");

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
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ParameterException(cmd, "--turn-ttl '" + text + "' is not a duration like 90s, 30m, 6h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            throw new ParameterException(cmd, "--turn-ttl " + text + " is out of range 1s..7d");
        }
        return d;
    }
}
