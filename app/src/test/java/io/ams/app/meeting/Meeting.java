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

/** The all-in-one server on free ports with a small mix, for meeting tests. */
final class Meeting implements AutoCloseable {
    static final int MIX_W = 640;
    static final int MIX_H = 360;
    final AllInOne server;

    Meeting(Path dir, int engineGrpcPort) throws Exception {
        EngineConfig ec = new EngineConfig("127.0.0.1", engineGrpcPort, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        SidecarConfig sc = SidecarConfig.defaults(dir).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withMix(new MixSettings(MIX_W, MIX_H, 15, 600, LayoutKind.GRID));
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
