package io.ams.sfu.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IceServersTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L - 3600), ZoneOffset.UTC);

    @Test
    void stunAndTurnEntriesWithFreshCredentials() {
        IceServers servers = new IceServers(List.of(TurnUri.parse("stun:127.0.0.1:3478"),
                TurnUri.parse("turn:127.0.0.1:3478?transport=udp"), TurnUri.parse("turns:turn.example.org:443")),
                TurnSecret.of("north-wind-secret"), Duration.ofHours(1), CLOCK);
        List<Map<String, Object>> list = servers.forParticipant("alice");
        assertThat(list).hasSize(2);
        assertThat(list.get(0)).isEqualTo(Map.of("urls", List.of("stun:127.0.0.1:3478")));
        assertThat(list.get(1)).containsEntry("urls",
                        List.of("turn:127.0.0.1:3478?transport=udp", "turns:turn.example.org:443"))
                .containsEntry("username", "1700000000:alice")
                .containsEntry("credential", "r/l6ttQtMIfbS2lfULS0mDRRNUg="); // see TurnCredentialsTest
        assertThat(servers.hasTurn()).isTrue();
    }

    @Test
    void noUrisNoEntriesAndStunNeedsNoSecret() {
        assertThat(IceServers.none().forParticipant("p1")).isEmpty();
        IceServers stunOnly = new IceServers(List.of(TurnUri.parse("stun:s.example.org")), null, Duration.ofHours(6));
        assertThat(stunOnly.forParticipant("p1")).containsExactly(Map.of("urls", List.of("stun:s.example.org:3478")));
        assertThat(stunOnly.credentialsFor("p1")).isNull();
    }

    @Test
    void turnWithoutASecretIsRefused() {
        assertThatThrownBy(() -> new IceServers(List.of(TurnUri.parse("turn:t.example.org")), null, Duration.ofHours(6)))
                .hasMessageContaining("--turn-secret-file");
    }

    @Test
    void relayCandidatesForTheSidecarNeedATurnUdpUriAndGetAWeeksCredentials() {
        IceServers udp = new IceServers(List.of(TurnUri.parse("turn:turn.example.org:3478")), TurnSecret.of("s3cret"),
                Duration.ofHours(6), CLOCK).withSidecarRelays(true);
        assertThat(udp.sidecarRelays()).isTrue();
        assertThat(udp.ttl()).isEqualTo(Duration.ofHours(6));
        TurnCredentials own = udp.sidecarCredentialsFor("sidecar-p1");
        assertThat(own.expiresAt()).isEqualTo(CLOCK.instant().plus(TurnCredentials.MAX_TTL));
        assertThat(own.username()).endsWith(":sidecar-p1");
        assertThat(udp.toString()).contains("relay candidates for the sidecar").doesNotContain("s3cret");
        assertThat(new IceServers(List.of(TurnUri.parse("turn:t.example.org")), TurnSecret.of("s"), Duration.ofHours(1))
                .sidecarRelays()).isFalse();
        assertThatThrownBy(() -> new IceServers(List.of(TurnUri.parse("turns:turn.example.org:443")), TurnSecret.of("s"),
                Duration.ofHours(6), CLOCK, true)).hasMessageContaining("TURN/UDP");
        assertThatThrownBy(() -> IceServers.none().withSidecarRelays(true)).hasMessageContaining("TURN/UDP");
    }

    @Test
    void toStringShowsUrisNotTheSecret() {
        IceServers servers = new IceServers(List.of(TurnUri.parse("turn:t.example.org")), TurnSecret.of("hush"),
                Duration.ofHours(6));
        assertThat(servers.toString()).contains("turn:t.example.org:3478").doesNotContain("hush");
    }
}
