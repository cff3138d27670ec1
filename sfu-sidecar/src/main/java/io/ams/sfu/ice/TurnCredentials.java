package io.ams.sfu.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived TURN credentials by coturn's REST scheme ({@code use-auth-secret}, draft-uberti-behave-turn-rest):
 * the username is {@code <expiry unix seconds>:<user>}, the password is base64(HMAC-SHA1(secret, username)).
 * The TURN server checks the HMAC with the same secret and refuses the username once its time has passed.
 *
 * @param username  {@code expiry:user}
 * @param password  the HMAC, base64
 * @param expiresAt when the TURN server stops accepting them
 */
public record TurnCredentials(String username, String password, Instant expiresAt) {
    /** Longest lifetime accepted: a week. */
    public static final Duration MAX_TTL = Duration.ofDays(7);

    @Override
    public String toString() {
        return "TurnCredentials[" + username + ", expires " + expiresAt + "]";
    }

    /**
     * Credentials for one participant, valid for {@code ttl} from {@code now}. A ':' in the user (coturn's
     * separator) is replaced by '_'.
     */
    public static TurnCredentials mint(TurnSecret secret, String user, Duration ttl, Instant now) {
        checkTtl(ttl);
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("no user for TURN credentials");
        }
        Instant expiry = now.plus(ttl);
        String username = expiry.getEpochSecond() + ":" + user.replace(':', '_');
        return new TurnCredentials(username, hmac(secret, username), Instant.ofEpochSecond(expiry.getEpochSecond()));
    }

    /** Checks a lifetime: positive and at most {@link #MAX_TTL}. */
    public static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.getSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("TURN credential lifetime " + ttl + " is out of range 1 s..7 days");
        }
    }

    /** base64(HMAC-SHA1(secret, username)), what coturn computes for {@code use-auth-secret}. */
    static String hmac(TurnSecret secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }
}
