package io.ams.sfu.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fuzz target (Jazzer): any string as a join token for room "r1": the claims of a token signed by
 * our key, for that room and not expired, or a {@link TokenException} with its reason; never another
 * exception (the JWT library's parse errors included). Seeds: tokens issued by {@link #issueSeed}
 * with the fixed key and clock below, a tampered one, an "alg: none" one. Regression inputs: {@code
 * src/test/resources/io/ams/sfu/auth/JoinTokensFuzzTestInputs/token/}.
 */
class JoinTokensFuzzTest {
    static final byte[] KEY = "ams-fuzz-seed-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final JoinTokens tokens = new JoinTokens(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @FuzzTest(maxDuration = "30s")
    void token(byte[] data) {
        String token = new String(data, StandardCharsets.UTF_8);
        try {
            JoinTokens.Claims c = tokens.verify(token, "r1");
            assertThat(c.room()).isEqualTo("r1");
            assertThat(c.name()).isNotNull();
            assertThat(c.expiresAt()).isAfter(NOW.minusSeconds(31));
        } catch (TokenException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** How the seed tokens were made (the corpus holds the output). */
    static String issueSeed(String room, String name) {
        return new JoinTokens(KEY, Clock.fixed(NOW, ZoneOffset.UTC)).issue(room, name, Duration.ofHours(1));
    }
}
