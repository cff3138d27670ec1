package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.media.VideoFrame;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording's disk fills in the middle of a meeting (the engine's record directory is a tmpfs of
 * {@value #DISK_KIB} KiB, mounted by the test; once the recording has data on it, another file takes
 * the rest of the space): the recording stops by itself with the reason in
 * GetRoom's destination and a RecordingStopped event, the room's mix and relay go on undisturbed, and
 * the file keeps the video written before the disk filled, decodable.
 */
class RecordingDiskFullIT {
    static final String ROOM = "diskfull-it";
    static final int DISK_KIB = 1024;

    @TempDir
    Path dir;

    @Test
    void aFullDiskStopsTheRecordingNotTheRoom() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        Path disk = Files.createDirectories(dir.resolve("recordings"));
        String mounted = run("mount", "-t", "tmpfs", "-o", "size=" + DISK_KIB + "k", "tmpfs", disk.toString());
        assumeTrue(mounted == null, "cannot mount a small tmpfs for the full disk (needs root or CAP_SYS_ADMIN): " + mounted);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ManagedChannel ch = null;
        try (Meeting meeting = new Meeting(dir, port);
             AiortcParticipant a = peer(meeting, "a", new int[] {230, 30, 30});
             AiortcParticipant b = peer(meeting, "b", new int[] {30, 200, 30})) {
            for (AiortcParticipant p : List.of(a, b)) {
                SoakDriver.awaitOrFail(40, () -> "connected".equals(p.state()) && p.frames("main") > 10 && p.frames("mix") > 10,
                        () -> "peer decodes main and mix: " + p.report);
            }
            ch = NettyChannelBuilder.forTarget("127.0.0.1:" + meeting.server.engine().grpcPort()).usePlaintext().build();
            MixerGrpc.MixerBlockingStub mixer = MixerGrpc.newBlockingStub(ch);
            List<Event> stopped = new CopyOnWriteArrayList<>();
            MixerGrpc.newStub(ch).streamEvents(StreamEventsRequest.newBuilder().setRoomId(ROOM).build(), new StreamObserver<>() {
                @Override
                public void onNext(Event e) {
                    if (e.hasRecordingStopped()) {
                        stopped.add(e);
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            long t0 = System.nanoTime();
            Destination rec = mixer.withDeadlineAfter(10, TimeUnit.SECONDS).addDestination(AddDestinationRequest.newBuilder()
                    .setRoomId(ROOM).setOutputId("main")
                    .setDestinationId("rec").setFileName("full.webm").build());
            Path file = Path.of(rec.getFile());
            mixer.withDeadlineAfter(10, TimeUnit.SECONDS).requestKeyframe(RequestKeyframeRequest.newBuilder().setRoomId(ROOM)
                    .build()); // the file starts at a keyframe
            assertThat(file.getParent()).isEqualTo(disk.toAbsolutePath());

            // the muxer writes a cluster at a time (a few seconds of video): let two reach the disk before it fills
            java.util.Set<Long> sizes = new java.util.HashSet<>();
            SoakDriver.awaitOrFail(60, () -> sizes.add(size(file)) && sizes.stream().filter(n -> n > 0).count() >= 3,
                    () -> "the recording writes clusters to its file: sizes seen " + sizes);
            long before = size(file);
            long filled = fill(disk.resolve("filler"));
            long t1 = System.nanoTime();
            SoakDriver.awaitOrFail(60, () -> !stopped.isEmpty(), () -> "a RecordingStopped event; file " + size(file)
                    + " bytes, destination " + destination(mixer, "rec"));
            double secondsToStop = (System.nanoTime() - t1) / 1e9;
            double secondsRecorded = (t1 - t0) / 1e9;
            Event e = stopped.get(0);
            assertThat(e.getRecordingStopped().getDestinationId()).isEqualTo("rec");
            assertThat(e.getRecordingStopped().getReason()).contains("No space left on device").contains("recording stopped");
            assertThat(e.getRecordingStopped().getFramesWritten()).isGreaterThan(10);
            assertThat(destination(mixer, "rec").getError()).as("GetRoom says why the recording stopped")
                    .isEqualTo(e.getRecordingStopped().getReason());

            // the room is not disturbed: mix and relay go on for both, the engine still has both
            long mixA = a.frames("mix");
            long mixB = b.frames("mix");
            long mainA = a.frames("main");
            Thread.sleep(3000);
            assertThat(a.frames("mix")).as("a's mix goes on after the disk filled").isGreaterThan(mixA + 30);
            assertThat(b.frames("mix")).as("b's mix goes on").isGreaterThan(mixB + 30);
            assertThat(a.frames("main")).as("a's relay goes on").isGreaterThan(mainA + 30);
            assertThat(meeting.server.engine().rooms().get(ROOM).participantList()).hasSize(2);
            assertThat(meeting.server.sidecar().engine().connected()).isTrue();
            long sizeAtStop = size(file);
            Thread.sleep(1000);
            assertThat(size(file)).as("nothing more is written").isEqualTo(sizeAtStop);

            // what was written stays readable
            long decoded = 0;
            try (MediaFileReader r = MediaFileReader.open(file)) {
                assertThat(r.width()).isEqualTo(Meeting.MIX_W);
                VideoFrame f;
                while ((f = r.next()) != null) {
                    f.release();
                    decoded++;
                }
            }
            assertThat(decoded).as("frames decodable from the truncated file").isGreaterThan(10);
            System.out.printf("disk full: after %.1f s of recording (%d bytes) another file took the rest of the %d KiB disk"
                            + " (%d bytes); the recording stopped %.1f s later; %d frames written, %d decodable from the"
                            + " %d-byte file; mix frames decoded in the next 3 s (aiortc reports once a second): a %d, b %d;"
                            + " reason: %s%n",
                    secondsRecorded, before, DISK_KIB, filled, secondsToStop, e.getRecordingStopped().getFramesWritten(),
                    decoded, sizeAtStop,
                    a.frames("mix") - mixA, b.frames("mix") - mixB, e.getRecordingStopped().getReason());

            // the stopped destination is removed like any other
            mixer.withDeadlineAfter(10, TimeUnit.SECONDS).removeDestination(RemoveDestinationRequest.newBuilder()
                    .setRoomId(ROOM).setOutputId("main")
                    .setDestinationId("rec").build());
            assertThat(destination(mixer, "rec")).isNull();
        } finally {
            if (ch != null) {
                ch.shutdownNow();
            }
            run("umount", "-l", disk.toString());
        }
    }

    private static AiortcParticipant peer(Meeting m, String name, int[] rgb) throws Exception {
        return new AiortcParticipant(m.server.sidecar().httpPort(), ROOM, name,
                m.server.sidecar().tokens().issue(ROOM, name, Duration.ofMinutes(10)), rgb, m.server.sidecar().config()
                        .tokenKeyFile().resolveSibling(name + ".log"));
    }

    /** Writes {@code file} until the disk is full; returns the bytes it took. */
    private static long fill(Path file) {
        byte[] block = new byte[16 * 1024];
        long n = 0;
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
                n += block.length;
            }
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
        return n;
    }

    private static Destination destination(MixerGrpc.MixerBlockingStub mixer, String id) {
        GetRoomRequest req = GetRoomRequest.newBuilder().setRoomId(ROOM).build();
        for (var o : mixer.withDeadlineAfter(10, TimeUnit.SECONDS).getRoom(req).getOutputsList()) {
            for (Destination d : o.getDestinationsList()) {
                if (d.getId().equals(id)) {
                    return d;
                }
            }
        }
        return null;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Runs a command; null when it exits 0, else what it said. */
    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + ": timed out";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": exit " + p.exitValue() + ": " + out;
    }
}
