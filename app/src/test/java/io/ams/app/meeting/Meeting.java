package io.ams.app.meeting;

import io.ams.app.AllInOne;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.RoomSnapshot;
import io.ams.sfu.room.SfuRoom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** The all-in-one server on free ports with a small mix, for meeting tests. */
final class Meeting implements AutoCloseable {
    static final int MIX_W = 640;
    static final int MIX_H = 360;
    final AllInOne server;

    Meeting(Path dir, int engineGrpcPort) throws Exception {
        this(dir, engineGrpcPort, new MixSettings(MIX_W, MIX_H, 15, 600, LayoutKind.GRID));
    }

    /**
     * With the mix encoded as {@code mix} (size must stay MIX_W x MIX_H for {@link #gridTileCentres}). Rooms of
     * two stay on the server (P2P off): these meetings test the server's media paths; P2pBrowserIT turns it on.
     */
    Meeting(Path dir, int engineGrpcPort, MixSettings mix) throws Exception {
        this(dir, engineGrpcPort, mix, io.ams.sfu.room.P2pSettings.off());
    }

    Meeting(Path dir, int engineGrpcPort, MixSettings mix, io.ams.sfu.room.P2pSettings p2p) throws Exception {
        this(dir, engineGrpcPort, mix, p2p, true);
    }

    /** @param simulcast false: browsers are asked for one camera stream each ({@code --no-simulcast}) */
    Meeting(Path dir, int engineGrpcPort, MixSettings mix, io.ams.sfu.room.P2pSettings p2p, boolean simulcast) throws Exception {
        this(dir, engineGrpcPort, mix, p2p, simulcast, UnaryOperator.identity());
    }

    /** @param adjust changes the sidecar's configuration further (ICE servers, ICE-TCP, ...) */
    Meeting(Path dir, int engineGrpcPort, MixSettings mix, io.ams.sfu.room.P2pSettings p2p, boolean simulcast,
            UnaryOperator<SidecarConfig> adjust) throws Exception {
        EngineConfig ec = new EngineConfig("127.0.0.1", engineGrpcPort, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        SidecarConfig sc = SidecarConfig.defaults(dir).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withMix(mix).withP2p(p2p).withSimulcast(simulcast);
        sc = adjust.apply(sc);
        server = AllInOne.start(ec, sc);
    }

    String url(String room, String name) {
        return server.sidecar().joinUrl("127.0.0.1", room, name);
    }

    SfuRoom room(String id) {
        return server.sidecar().rooms().get(id);
    }

    /** Participant ids by display name, in the sidecar's order. */
    String idOf(String room, String name) {
        for (RoomSnapshot.PeerSnapshot p : room(room).snapshot().peers()) {
            if (p.name().equals(name)) {
                return p.id();
            }
        }
        throw new AssertionError("no participant named " + name + " in " + room(room).snapshot());
    }

    /** The engine's participant order in {@code room}, which its grid layout follows. */
    List<String> engineOrder(String room) {
        io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forTarget("127.0.0.1:" + server.engine().grpcPort()).usePlaintext().build();
        try {
            List<String> ids = new ArrayList<>();
            for (io.ams.proto.v1.Participant p : io.ams.proto.v1.MixerGrpc.newBlockingStub(ch)
                    .getRoom(io.ams.proto.v1.GetRoomRequest.newBuilder().setRoomId(room).build()).getParticipantsList()) {
                ids.add(p.getId());
            }
            return ids;
        } finally {
            ch.shutdownNow();
        }
    }

    /** The centre of each participant's tile in a grid mix of this meeting, as fractions of the mix (x, y), by participant id. */
    java.util.Map<String, double[]> gridTileCentres(String room) {
        List<String> order = engineOrder(room);
        java.util.Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (io.ams.engine.compose.Tile t : io.ams.engine.compose.Layouts.compute(io.ams.engine.compose.LayoutSpec.grid(), order,
                order.get(0), MIX_W, MIX_H)) {
            out.put(t.participantId(), new double[] {(t.rect().x() + t.rect().width() / 2.0) / MIX_W,
                    (t.rect().y() + t.rect().height() / 2.0) / MIX_H});
        }
        return out;
    }

    /** The last 2000 characters of a process log, for failure messages; "(no log)" when it cannot be read. */
    static String tail(Path log) {
        try {
            String s = java.nio.file.Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }

    static boolean await(long seconds, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            try {
                if (cond.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(250);
        }
        return cond.getAsBoolean();
    }

    static boolean near(List<Long> rgb, int[] want, int tolerance) {
        if (rgb == null || rgb.size() < 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (Math.abs(rgb.get(i) - want[i]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    static List<Long> rgb(int[] c) {
        List<Long> l = new ArrayList<>();
        for (int v : c) {
            l.add((long) v);
        }
        return l;
    }

    @Override
    public void close() {
        server.close();
    }
}
