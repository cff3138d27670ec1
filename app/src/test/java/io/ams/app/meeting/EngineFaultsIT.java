package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the engine process under a meeting of two aiortc peers, the engine being a process of its
 * own ({@link AmsProcess}) and the sidecar in this JVM; each test prints how long the room took to be
 * whole again (both peers decoding a moving mix; the aiortc peers report once a second, so figures are
 * good to about a second).
 * <ul>
 * <li>kill -9 of the engine: the relay goes on, the mix returns once an engine listens again
 * (EngineOutageIT does the same with Chromium and an engine closed in-process).</li>
 * <li>A stalled engine (SIGSTOP: its sockets accept but nothing answers): the engine link's calls end
 * with DEADLINE_EXCEEDED and the sidecar goes on serving: the relay flows, a newcomer joins and leaves,
 * and the sidecar closes promptly; after SIGCONT the mix returns.</li>
 * <li>A 5-second network blackhole between sidecar and engine (engine in its own network namespace,
 * {@link SplitNetwork}): the relay goes on, the mix returns after the network does.</li>
 * </ul>
 */
class EngineFaultsIT {
    static final String ROOM = "faults-it";
    static final MixSettings MIX = new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID);

    @TempDir
    Path dir;

    @Test
    void killNineOfTheEngine() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        int port = freeTcpPort();
        AmsProcess engine = AmsProcess.engine(dir, null, "127.0.0.1", port);
        try (Sidecar sidecar = Sidecar.start(loopbackSidecar(engine.target()));
             AiortcParticipant a = peer(sidecar, "a", new int[] {230, 30, 30});
             AiortcParticipant b = peer(sidecar, "b", new int[] {30, 200, 30})) {
            List<AiortcParticipant> both = List.of(a, b);
            awaitWhole(both);

            long t0 = System.nanoTime();
            engine.kill9();
            SoakDriver.awaitOrFail(10, () -> !sidecar.engine().connected(), () -> "the sidecar notices the engine is gone");
            double detected = since(t0);
            relayGoesOn(both, "with the engine killed");
            long stalledMix = a.frames("mix");
            Thread.sleep(1000);
            assertThat(a.frames("mix")).as("no mix without an engine").isLessThanOrEqualTo(stalledMix + 2);

            long t1 = System.nanoTime();
            engine = AmsProcess.engine(dir, null, "127.0.0.1", port); // a new engine on the same port, empty
            double started = since(t1);
            long t2 = System.nanoTime();
            SoakDriver.awaitOrFail(30, () -> sidecar.engine().connected(), () -> "the link reconnects");
            double link = since(t2);
            awaitMixMoves(both, 40);
            double whole = since(t2);
            assertThat(engineParticipants(engine)).as("the room is re-created in the new engine with both").isEqualTo(2);
            System.out.printf("fault kill -9 engine: the sidecar noticed after %.1f s; relay went on; the new engine started"
                    + " in %.1f s; the link was back %.1f s and the mix for both %.1f s after it listened%n",
                    detected, started, link, whole);
        } finally {
            engine.close();
        }
    }

    @Test
    void aStalledEngineEndsInDeadlinesNotInAHungSidecar() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        AmsProcess engine = AmsProcess.engine(dir, null, "127.0.0.1", freeTcpPort());
        Sidecar sidecar = Sidecar.start(loopbackSidecar(engine.target()));
        try (AiortcParticipant a = peer(sidecar, "a", new int[] {230, 30, 30});
             AiortcParticipant b = peer(sidecar, "b", new int[] {30, 200, 30})) {
            List<AiortcParticipant> both = List.of(a, b);
            awaitWhole(both);

            long t0 = System.nanoTime();
            engine.stall();
            SoakDriver.awaitOrFail(15, () -> !sidecar.engine().connected(),
                    () -> "the sidecar gives up on the stalled engine: " + sidecar.engine().lastError());
            double detected = since(t0);
            assertThat(sidecar.engine().lastError()).startsWith("DEADLINE_EXCEEDED");
            relayGoesOn(both, "with the engine stalled");

            // signaling is served: a newcomer joins (and receives the relay), then leaves
            long tj = System.nanoTime();
            try (AiortcParticipant c = peer(sidecar, "c", new int[] {30, 30, 230})) {
                SoakDriver.awaitOrFail(40, () -> "connected".equals(c.state()) && c.frames("main") > 5,
                        () -> "a newcomer joins while the engine is stalled: " + c.report + " " + c.fromServer);
            }
            double joined = since(tj);
            SoakDriver.awaitOrFail(10, () -> sidecar.rooms().get(ROOM).size() == 2, () -> "the newcomer left again");

            long t1 = System.nanoTime();
            engine.resume();
            SoakDriver.awaitOrFail(30, () -> sidecar.engine().connected(), () -> "the link reconnects");
            double link = since(t1);
            awaitMixMoves(both, 40);
            double whole = since(t1);
            SoakDriver.awaitOrFail(10, () -> engineParticipants(engine) == 2,
                    () -> "the engine's room has a and b only: " + engineParticipants(engine));
            System.out.printf("fault stalled engine (SIGSTOP): DEADLINE_EXCEEDED noticed after %.1f s; relay went on; a newcomer"
                    + " joined and decoded the relay %.1f s after asking and left; after SIGCONT the link was back in %.1f s,"
                    + " the mix for both in %.1f s%n", detected, joined, link, whole);

            // and a sidecar closing while its engine is stalled does not hang
            engine.stall();
            SoakDriver.awaitOrFail(15, () -> !sidecar.engine().connected(), () -> "stalled again");
            long tc = System.nanoTime();
            sidecar.close();
            double closed = since(tc);
            assertThat(closed).as("seconds to close the sidecar with its engine stalled").isLessThan(10);
            System.out.printf("fault stalled engine: the sidecar closed in %.1f s with its engine stalled%n", closed);
        } finally {
            sidecar.close();
            engine.close();
        }
    }

    @Test
    void aFiveSecondBlackholeBetweenSidecarAndEngine() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        StringBuilder whyNot = new StringBuilder();
        SplitNetwork net = SplitNetwork.create(whyNot);
        assumeTrue(net != null, "cannot make network namespaces and veth pairs (needs root or CAP_NET_ADMIN): " + whyNot);
        AmsProcess engine = null;
        try {
            engine = AmsProcess.engine(dir, net.engineNs, net.engineAddress, 50051, "--insecure-control");
            SidecarConfig d = loopbackSidecar(engine.target());
            SidecarConfig sc = new SidecarConfig(d.httpHost(), d.httpPort(), d.mediaBind(), d.mediaPort(),
                    d.advertisedAddresses(), d.engineTarget(), InetAddress.getByName(net.hostAddress), d.tokenKeyFile(),
                    d.tlsCert(), d.tlsKey(), d.grpcPort(), d.mix(), d.maxParticipants(), d.maxRooms(), d.tokenTtl(),
                    d.grpcHost(), d.controlToken(), d.insecureControl());
            AmsProcess e = engine;
            try (Sidecar sidecar = Sidecar.start(sc);
                 AiortcParticipant a = peer(sidecar, "a", new int[] {230, 30, 30});
                 AiortcParticipant b = peer(sidecar, "b", new int[] {30, 200, 30})) {
                List<AiortcParticipant> both = List.of(a, b);
                awaitWhole(both);

                net.blackhole();
                long t0 = System.nanoTime();
                long[] main = {a.frames("main"), b.frames("main")};
                long mix = a.frames("mix");
                Thread.sleep(5000);
                net.restore();
                long t1 = System.nanoTime();
                double blackhole = (t1 - t0) / 1e9;
                boolean noticed = !sidecar.engine().connected() || sidecar.engine().rpcFailures() > 0;
                assertThat(a.frames("main")).as("relay to a during the blackhole").isGreaterThan(main[0] + 60);
                assertThat(b.frames("main")).as("relay to b during the blackhole").isGreaterThan(main[1] + 60);
                assertThat(a.frames("mix")).as("no mix through the blackhole").isLessThan(mix + 20);
                SoakDriver.awaitOrFail(60, () -> sidecar.engine().connected(), () -> "the link reconnects");
                double link = since(t1);
                awaitMixMoves(both, 60);
                double whole = since(t1);
                SoakDriver.awaitOrFail(20, () -> engineParticipants(e) == 2, () -> "the engine's room has both");
                System.out.printf("fault blackhole sidecar<->engine: %.1f s of silence (the link %s); after the network came"
                        + " back the link was back in %.1f s, the mix for both in %.1f s%n", blackhole,
                        noticed ? "declared the engine unreachable" : "rode it out", link, whole);
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
            net.close();
        }
    }

    private SidecarConfig loopbackSidecar(String engineTarget) {
        return SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1").withEngine(engineTarget).withMix(MIX);
    }

    private AiortcParticipant peer(Sidecar s, String name, int[] rgb) throws Exception {
        return new AiortcParticipant(s.httpPort(), ROOM, name, s.tokens().issue(ROOM, name, Duration.ofMinutes(10)), rgb,
                dir.resolve(name + "-" + System.nanoTime() + ".log"));
    }

    private static void awaitWhole(List<AiortcParticipant> peers) throws InterruptedException {
        for (AiortcParticipant p : peers) {
            SoakDriver.awaitOrFail(40, () -> "connected".equals(p.state()) && p.frames("main") > 10 && p.frames("mix") > 10,
                    () -> "peer decodes main and mix: " + p.report);
        }
    }

    private static void relayGoesOn(List<AiortcParticipant> peers, String when) throws InterruptedException {
        long[] before = peers.stream().mapToLong(p -> p.frames("main")).toArray();
        Thread.sleep(2500);
        for (int i = 0; i < peers.size(); i++) {
            assertThat(peers.get(i).frames("main")).as("the relay goes on " + when).isGreaterThan(before[i] + 20);
        }
    }

    /** Until every peer's mix has moved on by 10 frames from now. */
    private static void awaitMixMoves(List<AiortcParticipant> peers, long seconds) throws InterruptedException {
        long[] before = peers.stream().mapToLong(p -> p.frames("mix")).toArray();
        for (int i = 0; i < peers.size(); i++) {
            AiortcParticipant p = peers.get(i);
            long b = before[i];
            SoakDriver.awaitOrFail(seconds, () -> p.frames("mix") > b + 10, () -> "the mix comes back: " + p.report);
        }
    }

    private static int engineParticipants(AmsProcess engine) {
        ManagedChannel ch = NettyChannelBuilder.forTarget(engine.target()).usePlaintext().build();
        try {
            return MixerGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getRoom(GetRoomRequest.newBuilder().setRoomId(ROOM).build()).getParticipantsCount();
        } catch (RuntimeException e) {
            return -1;
        } finally {
            ch.shutdownNow();
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
