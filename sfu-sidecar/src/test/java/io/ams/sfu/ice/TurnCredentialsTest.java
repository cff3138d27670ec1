package io.ams.sfu.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {
    static final TurnSecret SECRET = TurnSecret.of("north-wind-secret");

    /**
     * The expected password was computed independently of this code, in a shell:
     * {@code printf '%s' '1700000000:alice' | openssl dgst -sha1 -hmac 'north-wind-secret' -binary | base64}
     * which is exactly what coturn checks for {@code use-auth-secret} / {@code static-auth-secret=north-wind-secret}.
     */
    @Test
    void passwordIsTheCoturnRestHmacOfTheUsername() {
        TurnCredentials c = TurnCredentials.mint(SECRET, "alice", Duration.ofHours(1),
                Instant.ofEpochSecond(1_700_000_000L - 3600));
        assertThat(c.username()).isEqualTo("1700000000:alice");
        assertThat(c.password()).isEqualTo("r/l6ttQtMIfbS2lfULS0mDRRNUg=");
        assertThat(c.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void theExpiryIsWholeSecondsAfterNow() {
        Instant now = Instant.parse("2026-01-01T08:00:00.750Z");
        TurnCredentials c = TurnCredentials.mint(SECRET, "p1", Duration.ofHours(6), now);
        assertThat(c.username()).isEqualTo(now.plus(Duration.ofHours(6)).getEpochSecond() + ":p1");
        assertThat(c.expiresAt()).isEqualTo(Instant.parse("2026-01-01T14:00:00Z"));
    }

    @Test
    void aColonInTheUserCannotForgeTheExpiryField() {
        TurnCredentials c = TurnCredentials.mint(SECRET, "9999999999:eve", Duration.ofMinutes(1),
                Instant.ofEpochSecond(1000));
        assertThat(c.username()).isEqualTo("1060:9999999999_eve");
    }

    @Test
    void otherSecretsGiveOtherPasswords() {
        Instant now = Instant.ofEpochSecond(1000);
        assertThat(TurnCredentials.mint(TurnSecret.of("other"), "alice", Duration.ofHours(1), now).password())
                .isNotEqualTo(TurnCredentials.mint(SECRET, "alice", Duration.ofHours(1), now).password());
    }

    @Test
    void lifetimesOutOfRangeAndNoUserAreRefused() {
        Instant now = Instant.ofEpochSecond(1000);
        assertThatThrownBy(() -> TurnCredentials.mint(SECRET, "a", Duration.ZERO, now))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> TurnCredentials.mint(SECRET, "a", Duration.ofDays(8), now))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> TurnCredentials.mint(SECRET, "", Duration.ofHours(1), now))
                .hasMessageContaining("no user");
    }

    @Test
    void toStringShowsNoPassword() {
        TurnCredentials c = TurnCredentials.mint(SECRET, "alice", Duration.ofHours(1), Instant.ofEpochSecond(1000));
        assertThat(c.toString()).doesNotContain(c.password()).contains("alice");
    }
}
