package io.ams.sfu.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;

/**
 * Join tokens: JWTs signed with HMAC-SHA256 (HS256) by the server's key, for one room and one name,
 * with an expiry, a role ({@code role}: host or participant) and an id ({@code jti}) by which it can
 * be revoked. Only HS256 is accepted (an "alg":"none" or RS256 token is refused), with 30 s of
 * clock skew allowed. Tokens issued before roles and ids existed still verify: no {@code role} is a
 * participant, and without {@code jti} the id is derived from the token itself (see {@link #idOf}).
 */
public final class JoinTokens {
    private static final Duration SKEW = Duration.ofSeconds(30);
    private final byte[] key;
    private final Clock clock;

    /** Token ids: 1-64 of A-Z a-z 0-9 _ - (ours are 22 characters of URL-safe base64). */
    public static final java.util.regex.Pattern TOKEN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** What a valid token says; {@code tokenId} is its {@code jti}, or derived from the token without one. */
    public record Claims(String room, String name, Instant expiresAt, Role role, String tokenId) {
        public boolean host() {
            return role == Role.HOST;
        }
    }

    /** A token just issued, with its id (for revocation) and role. */
    public record Issued(String token, String id, Role role, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();

    public JoinTokens(byte[] key) {
        this(key, Clock.systemUTC());
    }

    public JoinTokens(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a token key needs at least 32 bytes, got " + key.length);
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /**
     * The key in {@code file} (base64 of 32+ random bytes), created with owner-only permissions if
     * missing, so that the server and {@code ams ctl token} share it.
     */
    public static byte[] loadOrCreateKey(Path file) throws IOException {
        if (Files.exists(file)) {
            String text = Files.readString(file).strip();
            try {
                byte[] k = Base64.getDecoder().decode(text);
                if (k.length < 32) {
                    throw new IOException("token key file " + file + " holds " + k.length + " bytes, needs at least 32");
                }
                return k;
            } catch (IllegalArgumentException e) {
                throw new IOException("token key file " + file + " is not base64: " + e.getMessage(), e);
            }
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, ".token", ".key");
        try {
            Files.setPosixFilePermissions(tmp, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(k) + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return k;
    }

    /** A participant's token. */
    public String issue(String room, String name, Duration ttl) {
        return issue(room, name, ttl, Role.PARTICIPANT).token();
    }

    /** A token with {@code role} and a fresh random id (128 bits). */
    public Issued issue(String room, String name, Duration ttl, Role role) {
        if (room == null || room.isEmpty() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("a token needs a room and a name");
        }
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(name).claim("room", room).claim("name", name)
                .claim("role", role.claim()).jwtID(id).issueTime(Date.from(now)).expirationTime(Date.from(exp)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a join token failed", e);
        }
        return new Issued(jwt.serialize(), id, role, Date.from(exp).toInstant());
    }

    /**
     * The id of a token that has no {@code jti} (issued before ids existed): the first 16 bytes of the
     * SHA-256 of the whole token, URL-safe base64. So such a token can be revoked too.
     */
    static String idOf(String token) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The token's claims if it was signed by our key, has not expired and is for {@code room}. */
    public Claims verify(String token, String room) throws TokenException {
        if (token == null || token.isBlank()) {
            throw new TokenException(TokenException.Reason.MALFORMED, "no token: ask the organiser for a join link");
        }
        if (token.length() > 4096) {
            throw new TokenException(TokenException.Reason.MALFORMED, "the token is too long to be one of ours");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "the token is not a signed JWT");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE,
                    "the token is signed with " + jwt.getHeader().getAlgorithm() + ", only HS256 is accepted");
        }
        try {
            if (!jwt.verify(new MACVerifier(key))) {
                throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "the token was not issued by this server");
            }
        } catch (JOSEException e) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "the token's signature cannot be checked");
        }
        JWTClaimsSet c;
        try {
            c = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "the token's claims are not readable");
        }
        Object r = c.getClaim("room");
        Object n = c.getClaim("name");
        Date exp = c.getExpirationTime();
        if (!(r instanceof String) || !(n instanceof String) || exp == null) {
            throw new TokenException(TokenException.Reason.MISSING_CLAIM, "the token lacks its room, name or expiry");
        }
        if (clock.instant().isAfter(exp.toInstant().plus(SKEW))) {
            throw new TokenException(TokenException.Reason.EXPIRED, "the token expired at " + exp.toInstant() + ": ask for a new link");
        }
        if (!r.equals(room)) {
            throw new TokenException(TokenException.Reason.WRONG_ROOM, "the token is for room '" + r + "', not '" + room + "'");
        }
        Object roleClaim = c.getClaim("role");
        Role role;
        if (roleClaim == null) {
            role = Role.PARTICIPANT; // issued before roles existed
        } else if (roleClaim instanceof String rs && (rs.equals("host") || rs.equals("participant"))) {
            role = Role.parse(rs);
        } else {
            throw new TokenException(TokenException.Reason.MALFORMED, "the token's role is not host or participant");
        }
        Object jtiClaim = c.getClaim("jti");
        String jti = jtiClaim instanceof String js ? js : null;
        if (jtiClaim != null && (jti == null || !TOKEN_ID.matcher(jti).matches())) {
            throw new TokenException(TokenException.Reason.MALFORMED, "the token's id (jti) is not 1-64 of A-Z a-z 0-9 _ -");
        }
        return new Claims((String) r, (String) n, exp.toInstant(), role, jti != null ? jti : idOf(token));
    }
}
