package io.ams.sfu.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TurnUriTest {
    @Test
    void defaultsPortsAndTransports() {
        assertThat(TurnUri.parse("stun:stun.example.org")).isEqualTo(new TurnUri("stun", "stun.example.org", 3478, null));
        assertThat(TurnUri.parse("turn:turn.example.org")).isEqualTo(new TurnUri("turn", "turn.example.org", 3478, null));
        assertThat(TurnUri.parse("turns:turn.example.org:443?transport=tcp"))
                .isEqualTo(new TurnUri("turns", "turn.example.org", 443, "tcp"));
        assertThat(TurnUri.parse("turns:turn.example.org").port()).isEqualTo(5349);
        assertThat(TurnUri.parse("stuns:stun.example.org").port()).isEqualTo(5349);
    }

    @Test
    void addressesIncludingBracketedIpv6() {
        assertThat(TurnUri.parse("turn:127.0.0.1:3478?transport=udp").host()).isEqualTo("127.0.0.1");
        TurnUri v6 = TurnUri.parse("turn:[2001:db8::1]:3478?transport=tcp");
        assertThat(v6.host()).isEqualTo("[2001:db8::1]");
        assertThat(v6.toString()).isEqualTo("turn:[2001:db8::1]:3478?transport=tcp");
    }

    @Test
    void relayKinds() {
        assertThat(TurnUri.parse("turn:t.example.org").relay()).isEqualTo(TurnUri.Relay.UDP);
        assertThat(TurnUri.parse("turn:t.example.org?transport=udp").relay()).isEqualTo(TurnUri.Relay.UDP);
        assertThat(TurnUri.parse("turn:t.example.org?transport=TCP").relay()).isEqualTo(TurnUri.Relay.TCP);
        assertThat(TurnUri.parse("turns:t.example.org:443").relay()).isEqualTo(TurnUri.Relay.TLS);
        assertThat(TurnUri.parse("turn:t.example.org").isTurn()).isTrue();
        assertThat(TurnUri.parse("stun:t.example.org").isTurn()).isFalse();
        assertThatThrownBy(() -> TurnUri.parse("stun:t.example.org").relay()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toStringIsWhatBrowsersTake() {
        assertThat(TurnUri.parse("turn:t.example.org?transport=tcp").toString()).isEqualTo("turn:t.example.org:3478?transport=tcp");
        assertThat(TurnUri.parse(" stun:s.example.org:19302 ").toString()).isEqualTo("stun:s.example.org:19302");
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> TurnUri.parse("turn://t.example.org")).hasMessageContaining("no '//'");
        assertThatThrownBy(() -> TurnUri.parse("http:t.example.org")).hasMessageContaining("is not a STUN/TURN URI");
        assertThatThrownBy(() -> TurnUri.parse("turn:t.example.org:0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TurnUri.parse("turn:t.example.org:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TurnUri.parse("turn:t.example.org?transport=sctp")).hasMessageContaining("not udp or tcp");
        assertThatThrownBy(() -> TurnUri.parse("stun:t.example.org?transport=tcp")).hasMessageContaining("turn: and turns:");
        assertThatThrownBy(() -> TurnUri.parse("turns:t.example.org?transport=udp")).hasMessageContaining("use tcp");
        assertThatThrownBy(() -> TurnUri.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TurnUri.parse("turn:" + "a".repeat(300))).hasMessageContaining("longer than 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"turn:", "turn:host name", "turn:user@host", "turn:[::1", "turn:host:12ab", "turn:host?x=y",
            "TURN:host", "turn:host:3478;transport=tcp"})
    void malformedUrisAreRefused(String uri) {
        assertThatThrownBy(() -> TurnUri.parse(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(uri.trim());
    }
}
