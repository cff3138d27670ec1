package io.ams.sfu.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinTokensTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    final JoinTokens tokens = new JoinTokens(KEY);

    @Test
    void roundTrip() throws Exception {
        String t = tokens.issue("standup", "Ada", Duration.ofMinutes(5));
        JoinTokens.Claims c = tokens.verify(t, "standup");
        assertThat(c.room()).isEqualTo("standup");
        assertThat(c.name()).isEqualTo("Ada");
        assertThat(c.expiresAt()).isAfter(Instant.now());
    }

    @Test
    void refusesExpiredForgedTamperedNoneAndWrongRoom() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String old = new JoinTokens(KEY, past).issue("r", "a", Duration.ofMinutes(10));
        assertThatThrownBy(() -> tokens.verify(old, "r")).isInstanceOf(TokenException.class)
                .hasMessageContaining("expired").extracting(e -> ((TokenException) e).code()).isEqualTo("token_expired");

        String forged = new JoinTokens("ffffffffffffffffffffffffffffffff".getBytes()).issue("r", "a", Duration.ofMinutes(1));
        assertThatThrownBy(() -> tokens.verify(forged, "r")).extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.BAD_SIGNATURE);

        String good = tokens.issue("r", "a", Duration.ofMinutes(1));
        String[] parts = good.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"a\"", "\"b\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
        assertThatThrownBy(() -> tokens.verify(tampered, "r")).extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.BAD_SIGNATURE);

        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                + parts[1] + ".";
        assertThatThrownBy(() -> tokens.verify(none, "r")).isInstanceOf(TokenException.class);

        assertThatThrownBy(() -> tokens.verify(good, "other")).extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.WRONG_ROOM);
        assertThatThrownBy(() -> tokens.verify("garbage", "r")).extracting(e -> ((TokenException) e).reason())
                .isEqualTo(TokenException.Reason.MALFORMED);
        assertThatThrownBy(() -> tokens.verify("", "r")).hasMessageContaining("no token");
    }

    @Test
    void keyFileIsCreatedOnceAndPrivate(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/token.key");
        byte[] k1 = JoinTokens.loadOrCreateKey(f);
        byte[] k2 = JoinTokens.loadOrCreateKey(f);
        assertThat(k1).hasSize(32).isEqualTo(k2);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        Files.writeString(f, "not base64 !!");
        assertThatThrownBy(() -> JoinTokens.loadOrCreateKey(f)).hasMessageContaining("not base64");
    }
}
