package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.ams.app.Cli.Result;
import io.ams.engine.EngineConfig;
import io.ams.engine.EngineConfig.BackendChoice;
import picocli.CommandLine;

/** Parsing and usage errors of the whole {@code ams} tree; nothing here talks to an engine. */
class AmsCommandLineTest {

    @Test
    void helpListsTheCommands() {
        Result r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("engine", "ctl", "demo", "mix");
        Result ctl = Cli.run("ctl", "--help");
        assertThat(ctl.exit()).isZero();
        assertThat(ctl.out()).contains("room", "participant", "output", "destination", "layout", "speaker",
                "keyframe", "stats", "info", "events", "--target", "--json");
    }

    @Test
    void versionNamesTheProgram() {
        Result r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("ams ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void unknownFlagIsAUsageErrorNamingIt() {
        Result r = Cli.run("ctl", "room", "create", "r1", "--frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate").contains("ams ctl room create --help");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlagAndValue() {
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--size", "12x"}, "--size", "'12x'");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--codec", "vp9"}, "--codec", "'vp9'");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--layout", "mosaic"}, "--layout", "'mosaic'");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--fps", "thirty"}, "--fps", "thirty");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--fps", "0"}, "--fps", "0 is not positive");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--region", "0,0,2,1"}, "--region", "outside 0..1");
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--background", "purple"}, "--background", "'purple'");
        assertUsageError(new String[] {"ctl", "participant", "add", "r1", "p1", "--ssrc", "-5"}, "--ssrc", "'-5'");
        assertUsageError(new String[] {"ctl", "participant", "add", "r1", "p1", "--pt", "200"}, "--pt", "96..127");
        assertUsageError(new String[] {"ctl", "destination", "add", "r1", "localhost"}, "HOST:PORT", "'localhost'");
        assertUsageError(new String[] {"ctl", "layout", "r1", "tiles"}, "grid|filmstrip|speaker|custom", "'tiles'");
        assertUsageError(new String[] {"engine", "--media-ports", "5-3"}, "--media-ports", "5 is above 3");
        assertUsageError(new String[] {"engine", "--backend", "tpu"}, "--backend", "tpu");
        assertUsageError(new String[] {"engine", "--grpc-port", "99999"}, "grpc port", "99999");
    }

    @Test
    void inconsistentLayoutFlagsAreUsageErrors() {
        assertUsageError(new String[] {"ctl", "room", "create", "r1", "--layout", "grid", "--region", "0,0,1,1"},
                "--region", "not grid");
        assertUsageError(new String[] {"ctl", "layout", "r1", "custom"}, "custom layout", "--region");
    }

    @Test
    void missingArgumentsAndCommandsAreUsageErrors() {
        assertUsageError(new String[] {"ctl", "participant", "add", "r1"}, "PARTICIPANT");
        assertUsageError(new String[] {"ctl", "room"}, "missing command");
        assertUsageError(new String[] {"ctl"}, "missing command");
        assertUsageError(new String[] {"--mix-size", "12x"}, "--mix-size");
        assertUsageError(new String[] {"--mix-layout", "mosaic"}, "--mix-layout");
        assertUsageError(new String[] {"--audio-mix-threshold", "-2"}, "--audio-mix-threshold -2 is out of range", "-1 (never)");
        assertUsageError(new String[] {"sidecar", "--audio-mix-threshold", "501"}, "--audio-mix-threshold 501 is out of range");
        assertUsageError(new String[] {"--tls-cert", "c.pem"}, "--tls-key");
        assertUsageError(new String[] {"ctl", "rooms", "lst"}, "lst");
    }

    @Test
    void selfSignedTlsExcludesAGivenCertificateForBothServers() {
        // Refused while the flags are read, before anything listens or any file is written.
        String[][] conflicts = {
            {"--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
            {"--tls-self-signed", "--tls-key", "k.pem"},
            {"sidecar", "--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-self-signed"},
        };
        for (String[] args : conflicts) {
            assertUsageError(args, "--tls-self-signed and --tls-cert/--tls-key exclude each other");
        }
        assertThat(Cli.run("--tls-self-signed", "--tls-cert", "c.pem").err()).contains("Try 'ams --help'");
        assertUsageError(new String[] {"sidecar", "--tls-self-signed", "--advertise", "my.public.host"},
                "--advertise 'my.public.host' is not an IP address");
        assertThat(Cli.run("--help").out()).contains("--tls-self-signed");
        assertThat(Cli.run("sidecar", "--help").out()).contains("--tls-self-signed");
    }

    @Test
    void demoAndMixCheckTheirArguments() {
        assertUsageError(new String[] {"mix"}, "INPUT");
        assertUsageError(new String[] {"mix", "-o", "out.webm", "/nonexistent/in.webm"}, "does not exist");
        assertUsageError(new String[] {"demo", "--participants", "40"}, "--participants 40 is out of range");
        assertUsageError(new String[] {"demo", "--seconds", "-1"}, "--seconds");
    }

    @Test
    void verboseSetsDebugForIoAms() {
        Logger amsLogger = (Logger) LoggerFactory.getLogger("io.ams");
        try {
            Cli.run("-v", "ctl", "room");
            assertThat(amsLogger.getLevel()).isEqualTo(Level.DEBUG);
            Cli.run("ctl", "room");
            assertThat(amsLogger.getLevel()).isEqualTo(Level.INFO);
            Cli.run("ctl", "--verbose", "room");   // inherited by subcommands too
            assertThat(amsLogger.getLevel()).isEqualTo(Level.DEBUG);
        } finally {
            Logging.verbose(false);
        }
    }

    @Test
    void engineFlagsMakeTheConfig() {
        EngineConfig config = engineConfig("engine", "--bind", "127.0.0.1", "--grpc-port", "6000",
                "--media-ports", "41000-41009", "--backend", "cpu", "--record-dir", "/tmp/rec");
        assertThat(config).isEqualTo(new EngineConfig("127.0.0.1", 6000, "127.0.0.1", 41000, 41009,
                BackendChoice.CPU, java.nio.file.Path.of("/tmp/rec")));
        EngineConfig defaults = engineConfig("engine");
        assertThat(defaults).isEqualTo(EngineConfig.defaults());
        assertThat(engineConfig("engine", "--media-host", "media.example").mediaHost()).isEqualTo("media.example");
        assertThat(engineConfig("engine", "--media-ports", "any").anyMediaPort()).isTrue();
    }

    @Test
    void wildcardBindTellsSendersANonLoopbackAddress() {
        java.util.Optional<String> first = EngineCommand.firstNonLoopbackAddress();
        if (first.isPresent()) {
            String host = engineConfig("engine", "--bind", "0.0.0.0", "--insecure-control").mediaHost();
            assertThat(host).isEqualTo(first.get());
            assertThat(EngineCommand.isWildcard(host)).isFalse();
        }
        assertThat(engineConfig("engine", "--bind", "0.0.0.0", "--insecure-control", "--media-host", "10.1.2.3").mediaHost())
                .isEqualTo("10.1.2.3");
        assertThat(EngineCommand.isWildcard("0.0.0.0")).isTrue();
        assertThat(EngineCommand.isWildcard("::")).isTrue();
        assertThat(EngineCommand.isWildcard("127.0.0.1")).isFalse();
    }

    @Test
    void theEngineBeyondLoopbackNeedsAControlTokenOrInsecure(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Result open = Cli.run("engine", "--bind", "0.0.0.0", "--grpc-port", "0");
        assertThat(open.exit()).isEqualTo(2);
        assertThat(open.err().lines().findFirst().orElseThrow())
                .startsWith("error: --bind 0.0.0.0 opens the control API")
                .contains("--control-token-file FILE").contains("--insecure-control");
        java.nio.file.Path file = dir.resolve("data/control.token");
        EngineConfig c = engineConfig("engine", "--bind", "0.0.0.0", "--control-token-file", file.toString(),
                "--allow-destinations", "10.0.0.0/8,fd00::/8");
        assertThat(c.security().token()).isNotNull();
        assertThat(java.nio.file.Files.readString(file).strip()).isEqualTo(c.security().token().value());
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(c.security().allowDestinations()).extracting(Object::toString)
                .containsExactly("10.0.0.0/8", "fd00:0:0:0:0:0:0:0/8");
        assertThat(engineConfig("engine").security().token()).isNull();
        assertUsageError(new String[] {"engine", "--allow-destinations", "example.com"}, "--allow-destinations");
        assertUsageError(new String[] {"sidecar", "--sfu-grpc-host", "0.0.0.0"}, "--sfu-grpc-host 0.0.0.0 opens");
    }

    @Test
    void noSimulcastAsksBrowsersForOneCameraStream() {
        assertThat(sidecarConfig("sidecar").simulcast()).as("simulcast by default").isTrue();
        assertThat(sidecarConfig("sidecar", "--no-simulcast").simulcast()).isFalse();
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs("--no-simulcast");
        assertThat(((Ams) cmd.getCommand()).sidecar.config(cmd, "127.0.0.1", "localhost:50051").simulcast())
                .as("the all-in-one server takes it too").isFalse();
    }

    private static io.ams.sfu.SidecarConfig sidecarConfig(String... args) {
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs(args);
        CommandLine sub = cmd.getSubcommands().get("sidecar");
        return ((SidecarCommand) sub.getCommand()).options.config(sub, "0.0.0.0", "localhost:50051");
    }

    private static EngineConfig engineConfig(String... args) {
        CommandLine cmd = Ams.newCommandLine();
        cmd.parseArgs(args);
        return ((EngineCommand) cmd.getSubcommands().get("engine").getCommand()).config();
    }

    @Test
    void metricsPortIsOffByDefaultAndOutOfRangeIsAUsageError() {
        for (String[] cmd : new String[][] {{}, {"sidecar"}, {"engine"}}) {
            String[] help = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            help[cmd.length] = "--help";
            assertThat(Cli.run(help).out()).as(String.join(" ", help)).contains("--metrics-port").contains("0 (default)");
        }
        assertUsageError(new String[] {"--metrics-port", "70000"}, "--metrics-port 70000 is out of range 0..65535");
        assertUsageError(new String[] {"sidecar", "--metrics-port", "-1"}, "--metrics-port -1 is out of range 0..65535");
        assertUsageError(new String[] {"engine", "--metrics-port", "65536"}, "--metrics-port 65536 is out of range");
        assertUsageError(new String[] {"sidecar", "--metrics-port", "ninety"}, "--metrics-port", "ninety");
    }

    private static void assertUsageError(String[] args, String... messageParts) {
        Result r = Cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).startsWith("error: ").contains(messageParts);
    }
}
