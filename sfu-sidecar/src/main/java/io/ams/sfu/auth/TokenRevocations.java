package io.ams.sfu.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Join-token ids that no longer admit anyone: tokens of removed participants and tokens an operator
 * revoked. Held in memory and, when a file is given, kept there (next to the token key, so a restarted
 * sidecar still refuses them): one line per id, {@code ID EXPIRY-EPOCH-SECONDS|- REASON}, rewritten
 * atomically on each change. An entry whose token has expired is dropped (the token is refused anyway).
 * Thread-safe.
 */
public final class TokenRevocations {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRevocations.class);
    /** More than any meeting's removals; beyond it a revocation is refused rather than memory grown. */
    public static final int MAX_ENTRIES = 100_000;
    private static final Duration SKEW = Duration.ofSeconds(30);

    /** Why a token was revoked; {@code until} null = kept forever (its expiry is unknown). */
    public record Revocation(String id, Instant until, String reason) {
    }

    private final Path file;  // null: memory only
    private final Clock clock;
    private final Map<String, Revocation> revoked = new LinkedHashMap<>(); // guarded by this

    private TokenRevocations(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Revocations in memory only. */
    public static TokenRevocations inMemory(Clock clock) {
        return new TokenRevocations(null, clock);
    }

    /** Revocations kept in {@code file}, loading what it holds (a missing file is an empty list). */
    public static TokenRevocations open(Path file, Clock clock) throws IOException {
        TokenRevocations r = new TokenRevocations(file, clock);
        if (Files.exists(file)) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ", 3);
                if (f.length < 2 || !JoinTokens.TOKEN_ID.matcher(f[0]).matches() || !f[1].matches("-|\\d{1,12}")) {
                    throw new IOException("revoked token file " + file + " line " + lineNo + " is not 'ID EXPIRY REASON'");
                }
                Instant until = f[1].equals("-") ? null : Instant.ofEpochSecond(Long.parseLong(f[1]));
                r.revoked.put(f[0], new Revocation(f[0], until, f.length == 3 ? f[2] : ""));
            }
            r.prune();
        }
        return r;
    }

    /**
     * Revokes {@code id} until {@code until} (the token's expiry; null: forever) because of {@code reason}
     * (plain words, shown to whoever tries the token again).
     *
     * @throws IllegalArgumentException the id is not 1-64 of A-Z a-z 0-9 _ -
     * @throws IllegalStateException    {@link #MAX_ENTRIES} live revocations exist already
     * @return false if the file could not be written (logged): the revocation holds until the sidecar restarts
     */
    public synchronized boolean revoke(String id, Instant until, String reason) {
        if (id == null || !JoinTokens.TOKEN_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("token id '" + id + "' is not 1-64 of A-Z a-z 0-9 _ -");
        }
        prune();
        Revocation old = revoked.get(id);
        if (old == null && revoked.size() >= MAX_ENTRIES) {
            throw new IllegalStateException("already " + MAX_ENTRIES + " revoked tokens that have not expired");
        }
        Instant keep = old != null && (old.until() == null || until == null) ? null
                : old != null && old.until().isAfter(until) ? old.until() : until;
        String words = reason == null ? "" : reason.replaceAll("[\\r\\n]", " ").strip();
        revoked.put(id, new Revocation(id, keep, words.length() > 200 ? words.substring(0, 200) : words));
        return save();
    }

    /** The revocation of {@code id}, or null if it still admits. */
    public synchronized Revocation find(String id) {
        Revocation r = revoked.get(id);
        if (r != null && expired(r, clock.instant())) {
            revoked.remove(id);
            return null;
        }
        return r;
    }

    /** Throws if the token {@code claims} names was revoked. */
    public void check(JoinTokens.Claims claims) throws TokenException {
        Revocation r = find(claims.tokenId());
        if (r != null) {
            throw new TokenException(TokenException.Reason.REVOKED, "this join link was revoked"
                    + (r.reason().isEmpty() ? "" : " (" + r.reason() + ")") + ": ask the organiser for a new link");
        }
    }

    public synchronized int size() {
        prune();
        return revoked.size();
    }

    private static boolean expired(Revocation r, Instant now) {
        return r.until() != null && now.isAfter(r.until().plus(SKEW));
    }

    private void prune() {
        Instant now = clock.instant();
        revoked.values().removeIf(r -> expired(r, now));
    }

    private boolean save() {
        if (file == null) {
            return true;
        }
        List<String> lines = new ArrayList<>();
        lines.add("# join tokens revoked by ams (id, expiry in epoch seconds or '-', reason); rewritten on each change");
        for (Revocation r : revoked.values()) {
            lines.add(r.id() + " " + (r.until() == null ? "-" : Long.toString(r.until().getEpochSecond())) + " " + r.reason());
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".revoked", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            LOG.warn("revoked tokens: cannot write {} ({}); the revocation holds until the sidecar restarts", file, e.toString());
            return false;
        }
    }
}
