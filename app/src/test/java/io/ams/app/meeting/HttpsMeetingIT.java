package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.app.AllInOne;
import io.ams.app.JoinLinks;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.signal.HostAddresses;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A meeting over HTTPS and WSS with the certificate {@code --tls-self-signed} makes: the all-in-one
 * server prints https links and the certificate's fingerprint, and two headless Chromium participants
 * that accept the self-signed certificate (as a person does by clicking through the warning once) open
 * those links, get a secure context (camera allowed), connect and decode the main video.
 */
class HttpsMeetingIT {
    static final String ROOM = "https-it";

    @TempDir
    Path dir;

    @Test
    void twoBrowsersMeetOverHttpsWithTheSelfSignedCertificate() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int grpcPort;
        try (ServerSocket s = new ServerSocket(0)) {
            grpcPort = s.getLocalPort();
        }
        // What --tls-self-signed does with the all-in-one default --http-host 127.0.0.1 and --data-dir DIR.
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of("127.0.0.1"));
        EngineConfig ec = new EngineConfig("127.0.0.1", grpcPort, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withMix(new MixSettings(640, 360, 15, 600, LayoutKind.GRID)).withTls(tls.certFile(), tls.keyFile());
        try (AllInOne server = AllInOne.start(ec, sc)) {
            StringWriter text = new StringWriter();
            server.printWelcome(new PrintWriter(text), JoinLinks.host("127.0.0.1", HostAddresses.reachable()), ROOM, dir, tls);
            String welcome = text.toString();
            assertThat(welcome).contains(tls.fingerprintSha256()).contains("warns once")
                    .contains("--url https://localhost:" + server.sidecar().httpPort());
            List<String> links = welcome.lines().map(String::strip).filter(l -> l.startsWith("https://")).toList();
            assertThat(links).as("printed links:\n" + welcome).hasSize(3)
                    .allMatch(l -> l.startsWith("https://localhost:" + server.sidecar().httpPort() + "/?room=" + ROOM));

            try (Browser a = browser("a", "E01E1E");
                 Browser b = browser("b", "1EC81E")) {
                a.open(links.get(0));
                b.open(links.get(1));
                for (Browser x : List.of(a, b)) {
                    assertThat(x.js("return location.protocol + ' ' + window.isSecureContext;")).isEqualTo("https: true");
                    assertThat(Meeting.await(40, () -> "connected".equals(x.state())))
                            .as(x.label + " connects over https: state " + x.state() + ", errors " + x.field("errors")).isTrue();
                }
                for (Browser x : List.of(a, b)) {
                    assertThat(Meeting.await(40, () -> decoded(x, "main") > 10 && decoded(x, "mix") > 5))
                            .as(x.label + " decodes main and mix: " + x.stats() + " errors " + x.field("errors")).isTrue();
                    long before = decoded(x, "main");
                    assertThat(Meeting.await(10, () -> decoded(x, "main") > before + 15))
                            .as(x.label + " keeps decoding the main video: " + x.stats()).isTrue();
                }
                assertThat(server.sidecar().rooms().get(ROOM).snapshot().peers()).hasSize(2);
            }
        }
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)), true);
    }

    private static long decoded(Browser b, String which) {
        Map<String, Object> s = b.stats();
        if (s == null || !(s.get(which) instanceof Map<?, ?> m)) {
            return 0;
        }
        return ((Number) m.get("framesDecoded")).longValue();
    }
}
