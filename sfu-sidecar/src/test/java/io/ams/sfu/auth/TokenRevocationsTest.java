package io.ams.sfu.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenRevocationsTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();

    @Test
    void aRevokedTokenIsRefusedInWordsAndStaysRevokedAfterARestart() throws Exception {
        JoinTokens tokens = new JoinTokens(KEY, clock);
        JoinTokens.Issued t = tokens.issue("r", "Bob", Duration.ofHours(1), Role.PARTICIPANT);
        JoinTokens.Claims c = tokens.verify(t.token(), "r");
        Path file = dir.resolve("data/revoked-tokens");
        TokenRevocations r = TokenRevocations.open(file, clock);
        r.check(c); // not revoked: admits

        assertThat(r.revoke(t.id(), t.expiresAt(), "removed from room 'r' by Ada")).as("written to the file").isTrue();
        assertThatThrownBy(() -> r.check(c)).isInstanceOf(TokenException.class)
                .hasMessageContaining("revoked (removed from room 'r' by Ada)")
                .extracting(e -> ((TokenException) e).code()).isEqualTo("token_revoked");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        TokenRevocations reopened = TokenRevocations.open(file, clock);
        assertThat(reopened.find(t.id())).isNotNull();
        assertThatThrownBy(() -> reopened.check(c)).hasMessageContaining("removed from room 'r' by Ada");
        // another token of the same person still admits
        reopened.check(tokens.verify(tokens.issue("r", "Bob", Duration.ofHours(1)), "r"));
    }

    @Test
    void anEntryIsDroppedOnceItsTokenHasExpiredAndAnOperatorsRevocationIsKept() throws Exception {
        TokenRevocations r = TokenRevocations.open(dir.resolve("revoked-tokens"), clock);
        r.revoke("short-lived", clock.now.plus(Duration.ofMinutes(10)), "removed");
        r.revoke("forever", null, "revoked by the operator");
        assertThat(r.size()).isEqualTo(2);
        clock.now = clock.now.plus(Duration.ofMinutes(11)); // expired 1 min ago, more than the 30 s skew
        assertThat(r.find("short-lived")).isNull();
        assertThat(r.find("forever")).isNotNull();
        assertThat(TokenRevocations.open(dir.resolve("revoked-tokens"), clock).size()).isEqualTo(1);
    }

    @Test
    void badIdsAndABrokenFileAreRefused() throws Exception {
        TokenRevocations r = TokenRevocations.inMemory(clock);
        assertThatThrownBy(() -> r.revoke("a b", null, "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> r.revoke("x".repeat(65), null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.revoke(null, null, "x")).isInstanceOf(IllegalArgumentException.class);
        Path broken = dir.resolve("broken");
        Files.writeString(broken, "../../etc 12 x\n");
        assertThatThrownBy(() -> TokenRevocations.open(broken, clock)).hasMessageContaining("line 1");
    }
}
