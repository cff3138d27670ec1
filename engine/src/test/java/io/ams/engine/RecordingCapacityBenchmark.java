package io.ams.engine;

import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.OutputStats;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.rtp.VideoCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recordings per machine (issue 9 benchmark; not part of the test suite, run by
 * {@code benchmarks/recordings.sh}): one room of {@code ams.bench.people} (default 9) FFmpeg senders
 * (VP8 video only: the audio mix, which every recording taps, costs little next to a 720p encode) with a live 1280x720 mix at 30 fps, and sealed 720p recordings of
 * it added one at a time. After each is added the room runs {@code ams.bench.seconds} (default 20)
 * and every output's frame rate and late ticks are printed; it stops at the first step where an
 * output falls below real time (under 95 % of 30 fps, or late ticks above 1 per second).
 */
class RecordingCapacityBenchmark {
    static final int PEOPLE = Integer.getInteger("ams.bench.people", 9);
    static final int SECONDS = Integer.getInteger("ams.bench.seconds", 20);
    static final int MAX = Integer.getInteger("ams.bench.maxRecordings", 8);

    @Test
    void recordingsThatKeepRealTime() throws Exception {
        Path dir = Files.createTempDirectory("ams-rec-bench");
        List<AutoCloseable> senders = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("bench")
                    .setCanvas(Canvas.newBuilder().setWidth(1280).setHeight(720)).setFps(30).setBitrateKbps(2500).build());
            String[] colours = {"red", "green", "blue", "yellow", "cyan", "magenta", "white", "orange", "purple", "gray"};
            for (int i = 0; i < PEOPLE; i++) {
                AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("bench")
                        .setParticipantId("p" + i).setCodec(Codec.VP8).setPayloadType(96).build());
                senders.add(FfmpegSender.solid(colours[i % colours.length], "320x180", 15, VideoCodec.VP8,
                        r.getRtpHost(), r.getRtpPort(), 96, 100 + i));
            }
            System.out.printf(Locale.ROOT, "recordings benchmark: %d cores, %d senders (320x180 VP8 15 fps), live mix 1280x720@30%n",
                    Runtime.getRuntime().availableProcessors(), PEOPLE);
            step(h, 0);
            for (int n = 1; n <= MAX; n++) {
                h.stub().startRecording(StartRecordingRequest.newBuilder().setRoomId("bench").setRecordingId("r" + n).build());
                if (!step(h, n)) {
                    System.out.printf("recordings benchmark: %d recording(s) kept real time next to the live mix%n", n - 1);
                    return;
                }
            }
            System.out.printf("recordings benchmark: all %d recordings kept real time (the limit of this run)%n", MAX);
        } finally {
            for (AutoCloseable s : senders) {
                s.close();
            }
        }
    }

    /** Runs the room for SECONDS with n recordings; prints each output; true when all kept real time. */
    private boolean step(EngineHarness h, int n) throws InterruptedException {
        Map<String, Long> lateBefore = new HashMap<>();
        Map<String, Long> framesBefore = new HashMap<>();
        Thread.sleep(3000); // the new output's encoder warmed up
        for (OutputStats o : stats(h).getOutputsList()) {
            lateBefore.put(o.getOutputId(), o.getLateTicks());
            framesBefore.put(o.getOutputId(), o.getFramesEncoded());
        }
        long t0 = System.nanoTime();
        Thread.sleep(SECONDS * 1000L);
        double secs = (System.nanoTime() - t0) / 1e9;
        RoomStats s = stats(h);
        boolean ok = true;
        StringBuilder line = new StringBuilder();
        for (OutputStats o : s.getOutputsList()) {
            double fps = (o.getFramesEncoded() - framesBefore.getOrDefault(o.getOutputId(), 0L)) / secs;
            double late = (o.getLateTicks() - lateBefore.getOrDefault(o.getOutputId(), 0L)) / secs;
            ok &= fps >= 0.95 * 30 && late <= 1;
            line.append(String.format(Locale.ROOT, " %s %.1f fps %.1f late/s encode %.1f ms;", o.getOutputId(), fps, late,
                    o.getEncodeMsAvg()));
        }
        System.out.printf(Locale.ROOT, "recordings benchmark: %d recording(s): %s %s%n", n, ok ? "real time" : "BEHIND", line);
        return ok;
    }

    /** A fresh stub per call: the harness's stubs carry a 20 s deadline from their creation. */
    private static RoomStats stats(EngineHarness h) {
        return h.stub().getStats(GetStatsRequest.newBuilder().setRoomId("bench").build());
    }
}
