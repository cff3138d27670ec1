package io.ams.app.meeting;

import io.ams.app.AllInOne;
import io.ams.engine.room.Room;
import io.ams.sfu.room.SfuRoom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Load for the all-in-one server from real WebRTC peers (aiortc processes: ICE, DTLS, SRTP, VP8):
 * join/leave cycles and long meetings, with what the server holds measured around them
 * ({@link ProcessResources}). Used by JoinLeaveSoakIT (CI, 50 cycles) and SoakBenchmark
 * (benchmarks/soak.sh: 1,000 cycles, a ramp and a 10-minute meeting).
 *
 * <p>A cycle alternates between two rooms: the anchored room, where one peer stays all along and the
 * cycling peer joins it (a participant added to and removed from a live room, its relay and its tile
 * in the mix), and the empty room, which the cycling peer opens and closes (a room created and deleted
 * in the sidecar and the engine). Every fourth leave is abrupt: the peer's WebSocket is aborted and its
 * process killed with SIGKILL, as a crashed browser leaves. A cycle counts when the cycling peer's peer
 * connection is connected and it has decoded video (the anchor's picture and the mix in the anchored
 * room, the mix in the empty one), and ends when the sidecar and the engine have forgotten it.
 */
final class SoakDriver implements AutoCloseable {
    static final String ANCHORED = "soak-anchored";
    static final String EMPTY = "soak-empty";
    static final int[] ANCHOR_RGB = {230, 30, 30};
    static final int[] CYCLER_RGB = {30, 200, 30};
    private static final long JOIN_SECONDS = 40;
    private static final long LEAVE_SECONDS = 20;

    final AllInOne server;
    private final Path logs;
    private AiortcParticipant anchor;
    private int joined;

    SoakDriver(AllInOne server, Path logs) {
        this.server = server;
        this.logs = logs;
    }

    /** The peer that stays in the anchored room; started once. */
    void startAnchor() throws Exception {
        anchor = join(ANCHORED, "anchor", ANCHOR_RGB);
        awaitOrFail(JOIN_SECONDS, () -> "connected".equals(anchor.state()) && anchor.frames("mix") > 5,
                () -> "the anchor peer receives the mix: " + anchor.report);
    }

    /** One join/leave cycle (number {@code i}, from 0); returns its duration in ms. */
    long cycle(int i) throws Exception {
        long t0 = System.nanoTime();
        boolean anchored = i % 2 == 0;
        String room = anchored ? ANCHORED : EMPTY;
        AiortcParticipant p = join(room, "cycler-" + i, CYCLER_RGB);
        try {
            awaitOrFail(JOIN_SECONDS, () -> "connected".equals(p.state()) && p.frames("mix") > 3
                            && (!anchored || p.frames("main") > 3),
                    () -> "cycle " + i + ": the peer in " + room + " is connected and decodes video: " + p.report
                            + "; sidecar room " + sidecarRoom(room) + "; from the server " + p.fromServer);
        } catch (AssertionError | RuntimeException e) {
            p.close();
            throw e;
        }
        if (i % 4 == 3) {
            p.closeAbruptly();
        } else {
            p.close();
        }
        int stay = anchored ? 1 : 0;
        awaitOrFail(LEAVE_SECONDS, () -> sidecarSize(room) == stay && engineSize(room) == stay,
                () -> "cycle " + i + ": the peer left " + room + " (sidecar " + sidecarSize(room) + ", engine "
                        + engineSize(room) + " participants, want " + stay + ")");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** {@code n} peers in one room, each connected and decoding main and mix. */
    List<AiortcParticipant> meeting(String room, int n) throws Exception {
        List<AiortcParticipant> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(join(room, "peer-" + i, new int[] {40 + 20 * (i % 10), 120, 200 - 15 * (i % 10)}));
        }
        for (AiortcParticipant p : peers) {
            awaitOrFail(JOIN_SECONDS + n * 5L, () -> "connected".equals(p.state()) && p.frames("mix") > 3 && p.frames("main") > 3,
                    () -> "meeting peer decodes main and mix: " + p.report);
        }
        return peers;
    }

    /** One more peer in {@code room}. */
    AiortcParticipant join(String room, String name, int[] rgb) throws Exception {
        String token = server.sidecar().tokens().issue(room, name, Duration.ofHours(2));
        return new AiortcParticipant(server.sidecar().httpPort(), room, name, token, rgb,
                logs.resolve("peer-" + (joined++ % 8) + ".log"));
    }

    /** Frames per second each peer decoded over {@code seconds}, for "main" or "mix". */
    static double[] fps(List<AiortcParticipant> peers, String which, int seconds) throws InterruptedException {
        long[] before = new long[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            before[i] = peers.get(i).frames(which);
        }
        Thread.sleep(seconds * 1000L);
        double[] out = new double[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            out[i] = (peers.get(i).frames(which) - before[i]) / (double) seconds;
        }
        return out;
    }

    int sidecarSize(String room) {
        SfuRoom r = server.sidecar().rooms().get(room);
        return r == null ? 0 : r.size();
    }

    int engineSize(String room) {
        for (Room r : server.engine().rooms().list()) {
            if (r.id().equals(room)) {
                return r.participantList().size();
            }
        }
        return 0;
    }

    boolean engineHas(String room) {
        return server.engine().rooms().list().stream().anyMatch(r -> r.id().equals(room));
    }

    private String sidecarRoom(String room) {
        SfuRoom r = server.sidecar().rooms().get(room);
        return r == null ? "none" : r.snapshot().toString();
    }

    /**
     * Waits until the resources are back within {@link ProcessResources#leaksAgainst} tolerance of
     * {@code baseline} (pools retire idle threads, the kernel releases sockets), at most {@code seconds};
     * returns what is still over, empty when all came back.
     */
    static List<String> settle(ProcessResources baseline, long seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<String> leaks;
        while (!(leaks = ProcessResources.now().leaksAgainst(baseline)).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(1000);
        }
        return leaks;
    }

    static void awaitOrFail(long seconds, BooleanSupplier cond, java.util.function.Supplier<String> what) throws InterruptedException {
        if (!Meeting.await(seconds, cond)) {
            throw new AssertionError("not within " + seconds + " s: " + what.get());
        }
    }

    @Override
    public void close() {
        if (anchor != null) {
            anchor.close();
        }
    }
}
