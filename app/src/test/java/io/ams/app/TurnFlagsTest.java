package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.app.Cli.Result;
import io.ams.sfu.SidecarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --turn-uri}, {@code --turn-secret-file}, {@code --turn-ttl} and {@code --ice-tcp-port} on both servers. */
class TurnFlagsTest {
    @TempDir
    Path dir;
    Path secret;

    @BeforeEach
    void secretFile() throws Exception {
        secret = dir.resolve("turn.secret");
        Files.writeString(secret, "north-wind-secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void byDefaultNoIceServersAndNoIceTcp() {
        SidecarConfig c = sidecarConfig("sidecar");
        assertThat(c.iceServers().uris()).isEmpty();
        assertThat(c.iceServers().forParticipant("p1")).isEmpty();
        assertThat(c.iceTcpPort()).isEqualTo(-1);
    }

    @Test
    void turnUrisWithASecretGiveCredentialedEntries() {
        SidecarConfig c = sidecarConfig("sidecar", "--turn-uri", "stun:turn.example.org", "--turn-uri",
                "turn:turn.example.org?transport=tcp", "--turn-uri", "turns:turn.example.org:443",
                "--turn-secret-file", secret.toString(), "--turn-ttl", "90m", "--ice-tcp-port", "4443");
        assertThat(c.iceServers().ttl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.iceTcpPort()).isEqualTo(4443);
        List<Map<String, Object>> list = c.iceServers().forParticipant("p7");
        assertThat(list.get(0)).isEqualTo(Map.of("urls", List.of("stun:turn.example.org:3478")));
        assertThat(list.get(1).get("urls")).isEqualTo(List.of("turn:turn.example.org:3478?transport=tcp",
                "turns:turn.example.org:443"));
        assertThat((String) list.get(1).get("username")).endsWith(":p7");
        assertThat(c.iceServers().ttl()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void theDefaultLifetimeIsSixHoursAndTheAllInOneTakesTheFlagsToo() {
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs("--turn-uri", "turn:127.0.0.1", "--turn-secret-file", secret.toString(), "--ice-tcp-port", "0");
        SidecarConfig c = ((Ams) cmd.getCommand()).sidecar.config(cmd, "127.0.0.1", "localhost:50051");
        assertThat(c.iceServers().ttl()).isEqualTo(Duration.ofHours(6));
        assertThat(c.iceServers().hasTurn()).isTrue();
        assertThat(c.iceTcpPort()).isZero();
    }

    @Test
    void iceTcpOnTheHttpsPortOnBothServers() {
        assertThat(sidecarConfig("sidecar", "--ice-tcp-port", "https").iceTcpPort())
                .isEqualTo(SidecarConfig.ICE_TCP_ON_HTTP_PORT);
        assertThat(sidecarConfig("sidecar", "--ice-tcp-port", "HTTP").iceTcpPort())
                .isEqualTo(SidecarConfig.ICE_TCP_ON_HTTP_PORT);
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs("--ice-tcp-port", "https", "--http-port", "443");
        SidecarConfig c = ((Ams) cmd.getCommand()).sidecar.config(cmd, "127.0.0.1", "localhost:50051");
        assertThat(c.iceTcpPort()).isEqualTo(SidecarConfig.ICE_TCP_ON_HTTP_PORT);
        assertThat(c.httpPort()).isEqualTo(443);
    }

    @Test
    void relayCandidatesForTheSidecarAreOffByDefaultAndNeedATurnUdpUri() {
        assertThat(sidecarConfig("sidecar", "--turn-uri", "turn:t.example.org", "--turn-secret-file", secret.toString())
                .iceServers().sidecarRelays()).isFalse();
        SidecarConfig c = sidecarConfig("sidecar", "--turn-uri", "turn:t.example.org:3478?transport=udp", "--turn-uri",
                "turns:t.example.org:443", "--turn-secret-file", secret.toString(), "--turn-relay-candidates");
        assertThat(c.iceServers().sidecarRelays()).isTrue();
        assertThat(c.iceServers().forParticipant("p1")).hasSize(1); // what browsers get is unchanged
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs("--turn-uri", "turn:127.0.0.1", "--turn-secret-file", secret.toString(), "--turn-relay-candidates");
        assertThat(((Ams) cmd.getCommand()).sidecar.config(cmd, "127.0.0.1", "localhost:50051").iceServers().sidecarRelays())
                .isTrue();
        assertUsageError(new String[] {"sidecar", "--turn-relay-candidates"}, "--turn-relay-candidates", "TURN/UDP");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turns:t.example.org:443", "--turn-secret-file",
                secret.toString(), "--turn-relay-candidates"}, "--turn-relay-candidates", "TURN/UDP");
    }

    @Test
    void theOldIceServerFlagStillGivesStun() {
        assertThat(sidecarConfig("sidecar", "--ice-server", "stun:stun.example.org:19302").iceServers().uris())
                .hasSize(1);
    }

    @Test
    void badTurnFlagsAreUsageErrorsNamingTheFlag() {
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn://t.example.org"}, "--turn-uri", "no '//'");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "http:x"}, "--turn-uri", "is not a STUN/TURN URI");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn:t.example.org"}, "needs --turn-secret-file");
        assertUsageError(new String[] {"sidecar", "--turn-secret-file", secret.toString()},
                "--turn-secret-file is given but no --turn-uri");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn:t.example.org", "--turn-secret-file",
                dir.resolve("missing").toString()}, "--turn-secret-file", "does not exist");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn:t.example.org", "--turn-secret-file",
                secret.toString(), "--turn-ttl", "6 hours"}, "--turn-ttl", "'6 hours'");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn:t.example.org", "--turn-secret-file",
                secret.toString(), "--turn-ttl", "8d"}, "--turn-ttl", "out of range");
        assertUsageError(new String[] {"sidecar", "--ice-tcp-port", "70000"}, "--ice-tcp-port", "70000");
        assertUsageError(new String[] {"sidecar", "--ice-tcp-port", "web"}, "--ice-tcp-port", "'web'", "'https'");
        assertUsageError(new String[] {"--turn-uri", "turn:t.example.org"}, "needs --turn-secret-file");
    }

    @Test
    void anEmptySecretFileIsRefused() throws Exception {
        Files.writeString(secret, "\n");
        assertUsageError(new String[] {"sidecar", "--turn-uri", "turn:t.example.org", "--turn-secret-file",
                secret.toString()}, "--turn-secret-file", "is empty");
    }

    private static SidecarConfig sidecarConfig(String... args) {
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs(args);
        CommandLine sub = cmd.getSubcommands().get("sidecar");
        return ((SidecarCommand) sub.getCommand()).options.config(sub, "0.0.0.0", "localhost:50051");
    }

    private static void assertUsageError(String[] args, String... messageParts) {
        Result r = Cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).startsWith("error: ").contains(messageParts);
    }
}
