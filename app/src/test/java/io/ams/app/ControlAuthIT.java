package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.auth.ControlToken;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.room.PeerChannel;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.room.RoomSnapshot;

/**
 * Issue 8 parts 1 and 7 as an operator meets them: the engine on this machine's own non-loopback
 * address (no other host is contacted) with a control token; {@code ams ctl} without it or with
 * another is refused (UNAUTHENTICATED), with it works; a sidecar with the token links and receives
 * the mix from the engine's sending address only, while a datagram injected into its mix socket is
 * dropped and counted.
 */
class ControlAuthIT {
    @TempDir
    Path dir;

    @Test
    void ctlAndTheSidecarNeedTheEnginesToken() throws Exception {
        String host = nonLoopbackAddress();
        Path tokenFile = dir.resolve("data/control.token");
        Path wrongFile = dir.resolve("wrong.token");
        Files.writeString(wrongFile, ControlToken.random().value());
        ControlToken token = ControlToken.loadOrCreate(tokenFile);
        EngineConfig ec = new EngineConfig(host, 0, host, 0, 0, EngineConfig.BackendChoice.CPU, dir.resolve("rec"));
        ec = ec.withSecurity(ec.security().withToken(token));
        try (Engine engine = Engine.start(ec)) {
            String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + engine.grpcPort();

            Cli.Result none = Cli.run("ctl", "--target", target, "room", "list");
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("error: UNAUTHENTICATED: missing control token")
                    .contains("--control-token-file");
            Cli.Result wrong = Cli.run("ctl", "--target", target, "--control-token-file", wrongFile.toString(), "info");
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("error: UNAUTHENTICATED: wrong control token");
            Cli.Result missingFile = Cli.run("ctl", "--target", target, "--control-token-file",
                    dir.resolve("nope").toString(), "info");
            assertThat(missingFile.exit()).isEqualTo(2);
            assertThat(missingFile.err()).contains("--control-token-file").contains("cannot read it");
            Cli.Result ok = Cli.run("ctl", "--target", target, "--control-token-file", tokenFile.toString(),
                    "room", "create", "by-ctl");
            assertThat(ok.exit()).as(ok.err()).isZero();
            Cli.Result info = Cli.run("ctl", "--target", target, "--control-token-file", tokenFile.toString(),
                    "--json", "info");
            assertThat(info.out()).contains("\"callsUnauthenticated\":\"2\"").contains("\"controlAuthenticated\":true");
            // a destination beyond the allow-list (loopback) and not the caller's own address
            Cli.Result denied = Cli.run("ctl", "--target", target, "--control-token-file", tokenFile.toString(),
                    "destination", "add", "by-ctl", "203.0.113.7:5004");
            assertThat(denied.exit()).isEqualTo(1);
            assertThat(denied.err()).contains("error: PERMISSION_DENIED: destination 203.0.113.7 is not allowed");

            try (Sidecar without = Sidecar.start(sidecarConfig(target, null));
                 Sidecar with = Sidecar.start(sidecarConfig(target, token))) {
                await(() -> with.engine().connected(), "the sidecar with the token links");
                await(() -> without.engine().lastError().startsWith("UNAUTHENTICATED"),
                        "the sidecar without the token is refused");
                assertThat(without.engine().connected()).isFalse();

                RoomRegistry.Joined joined = with.rooms().join("split", "Alice", new SilentChannel());
                await(() -> snapshot(with).mixPackets() > 10, "the mix arrives from the engine");
                var dest = engine.rooms().get("split").output("main").sinks().get(0).describe();
                assertThat(snapshot(with).mixSender()).isEqualTo("127.0.0.1:" + dest.getSenderPort());
                injectIntoMixSocket(new InetSocketAddress(dest.getHost(), dest.getPort()));
                await(() -> snapshot(with).mixWrongSender() >= 3, "injected datagrams dropped and counted");
                long before = snapshot(with).mixPackets();
                await(() -> snapshot(with).mixPackets() > before + 5, "the mix goes on");
                with.rooms().leave(joined, "done");

                // the sidecar's own API takes the token too
                String sfu = "127.0.0.1:" + with.grpcPort();
                Cli.Result sfuNone = Cli.run("ctl", "sfu", "--sfu", sfu, "list");
                assertThat(sfuNone.err()).contains("UNAUTHENTICATED");
                Cli.Result sfuOk = Cli.run("ctl", "--control-token-file", tokenFile.toString(), "sfu", "--sfu", sfu, "list");
                assertThat(sfuOk.exit()).as(sfuOk.err()).isZero();
            }
        }
    }

    /** Datagrams to the room's mix socket from another local socket (the engine tells where it sends to). */
    private static void injectIntoMixSocket(InetSocketAddress mixSocket) throws Exception {
        try (DatagramSocket intruder = new DatagramSocket()) {
            byte[] b = new byte[12 + 10];
            for (int i = 0; i < 3; i++) {
                RtpHeaderWriter.write(b, 0, true, 96, 100 + i, 9000L * i, 0x0BADBEEFL);
                intruder.send(new DatagramPacket(b, b.length, mixSocket));
            }
        }
    }

    private static RoomSnapshot snapshot(Sidecar s) {
        return s.rooms().get("split").snapshot();
    }

    private SidecarConfig sidecarConfig(String engineTarget, ControlToken token) {
        return SidecarConfig.defaults(dir.resolve(token == null ? "s1" : "s2")).withPorts(0, 0, 0)
                .withHttpHost("127.0.0.1").withEngine(engineTarget).withControl(token, false);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** A participant that never answers: enough for the room to exist and ask the engine for its mix. */
    private static final class SilentChannel implements PeerChannel {
        @Override
        public void offer(String sdp, Map<String, TrackRole> tracks) {
        }

        @Override
        public void participants(List<ParticipantView> list) {
        }

        @Override
        public void speaker(String main, String previous) {
        }

        @Override
        public void mix(boolean available) {
        }

        @Override
        public void error(String code, String message) {
        }

        @Override
        public void bye(String reason) {
        }
    }

    static String nonLoopbackAddress() {
        InetAddress found = null;
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()
                            && (found == null || a instanceof Inet4Address && !(found instanceof Inet4Address))) {
                        found = a;
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // none
        }
        assumeTrue(found != null, "this machine has no non-loopback address");
        return found.getHostAddress().replaceFirst("%.*$", "");
    }
}
