package io.ams.app;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** A duration flag's value: "90s", "30m", "6h", "1d", from 1 second to 7 days; a usage error naming the flag otherwise. */
final class DurationFlag {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})([smhd])");

    private DurationFlag() {
    }

    static Duration parse(CommandLine cmd, String flag, String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ParameterException(cmd, flag + " '" + text + "' is not a duration like 90s, 30m, 6h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            throw new ParameterException(cmd, flag + " " + text + " is out of range 1s..7d");
        }
        return d;
    }
}
