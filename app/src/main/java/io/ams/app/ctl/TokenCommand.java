package io.ams.app.ctl;

import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ams ctl token}: a join token (and link) signed with the sidecar's key, for a participant or a
 * host. The token (or link) goes to stdout, for scripts; its id, by which it can be revoked
 * ({@code ams ctl sfu revoke ID}), to stderr.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Issue a join token for a room and a name, signed with the sidecar's key file; "
                + "its id (for 'ams ctl sfu revoke') is printed on stderr.")
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--room", required = true, paramLabel = "ROOM", description = "Room the token admits to.")
    String room;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Display name of the participant.")
    String name;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "12h",
            description = "Lifetime, e.g. 30m, 12h, 7d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "participant",
            description = "participant or host; a host can lock the room, remove people and ask them to mute "
                    + "(default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "ams-data",
            description = "The sidecar's data directory holding token.key (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--url", paramLabel = "URL", description = "Base URL of the sidecar, to print a join link "
            + "(e.g. https://192.168.1.20:8080, or http://localhost:8080 on this machine).")
    String url;

    @Override
    public Integer call() throws Exception {
        if (!room.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ParameterException(spec.commandLine(), "--room '" + room + "' is not valid: 1-64 of A-Z a-z 0-9 . _ -");
        }
        Duration d = parseTtl();
        Role r;
        try {
            r = Role.parse(role);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--role " + e.getMessage());
        }
        Path keyFile = dataDir.resolve("token.key");
        if (!Files.exists(keyFile)) {
            throw new ParameterException(spec.commandLine(), "no key at " + keyFile
                    + ": start the sidecar (ams, or ams sidecar) with this --data-dir first");
        }
        JoinTokens.Issued issued = new JoinTokens(JoinTokens.loadOrCreateKey(keyFile)).issue(room, name, d, r);
        String token = issued.token();
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        err.println("token id " + issued.id() + " (" + r.claim() + " of room " + room + ", valid until " + issued.expiresAt()
                + "); revoke it with: ams ctl sfu revoke " + issued.id());
        err.flush();
        if (url != null) {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            out.println(base + "/?room=" + enc(room) + "&name=" + enc(name) + "&token=" + enc(token));
            warnIfPlainHttpElsewhere(base);
        } else {
            out.println(token);
        }
        out.flush();
        return 0;
    }

    /**
     * Browsers refuse the camera and microphone to a page served over plain http anywhere but on
     * localhost, so such a link lets people in without their media: say so on stderr (the link still goes
     * to stdout, for scripts).
     */
    private void warnIfPlainHttpElsewhere(String base) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(base);
        } catch (IllegalArgumentException e) {
            return;
        }
        String host = uri.getHost();
        if ("http".equalsIgnoreCase(uri.getScheme()) && host != null && !host.equalsIgnoreCase("localhost")
                && !host.startsWith("127.") && !host.equals("[::1]")) {
            var err = spec.commandLine().getErr();
            err.println("note: browsers allow the camera and microphone over http on localhost only; for people on other"
                    + " machines give the sidecar's https address (start it with --tls-self-signed, or --tls-cert and --tls-key)");
            err.flush();
        }
    }

    private Duration parseTtl() {
        var m = java.util.regex.Pattern.compile("(\\d{1,6})([smhd])").matcher(ttl);
        if (!m.matches()) {
            throw new ParameterException(spec.commandLine(), "--ttl '" + ttl + "' is not like 30m, 12h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
