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
    void aTokenCarriesItsRoleAndAnIdAndOldTokensAreParticipants() throws Exception {
        JoinTokens.Issued host = tokens.issue("standup", "Ada", Duration.ofMinutes(5), Role.HOST);
        JoinTokens.Claims c = tokens.verify(host.token(), "standup");
        assertThat(c.role()).isEqualTo(Role.HOST);
        assertThat(c.host()).isTrue();
        assertThat(c.tokenId()).isEqualTo(host.id()).matches(JoinTokens.TOKEN_ID);
        assertThat(tokens.issue("standup", "Ada", Duration.ofMinutes(5), Role.HOST).id()).as("ids are random").isNotEqualTo(host.id());
        assertThat(tokens.verify(tokens.issue("standup", "Bob", Duration.ofMinutes(5)), "standup").role()).isEqualTo(Role.PARTICIPANT);

        // a token issued before roles and ids existed: no role, no jti
        String old = signed("{\"sub\":\"Eve\",\"room\":\"standup\",\"name\":\"Eve\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
        JoinTokens.Claims o = tokens.verify(old, "standup");
        assertThat(o.role()).isEqualTo(Role.PARTICIPANT);
        assertThat(o.tokenId()).as("derived from the token, stable").isEqualTo(tokens.verify(old, "standup").tokenId())
                .matches(JoinTokens.TOKEN_ID);

        String admin = signed("{\"room\":\"standup\",\"name\":\"Eve\",\"role\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
        assertThatThrownBy(() -> tokens.verify(admin, "standup")).hasMessageContaining("role is not host or participant")
                .extracting(e -> ((TokenException) e).code()).isEqualTo("token_invalid");
        String badId = signed("{\"room\":\"standup\",\"name\":\"Eve\",\"jti\":\"a b\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}");
        assertThatThrownBy(() -> tokens.verify(badId, "standup")).hasMessageContaining("jti");
    }

    /** A token with these claims, signed with KEY (what an older ams issued). */
    private static String signed(String claimsJson) throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256), com.nimbusds.jwt.JWTClaimsSet.parse(claimsJson));
        jwt.sign(new com.nimbusds.jose.crypto.MACSigner(KEY));
        return jwt.serialize();
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
