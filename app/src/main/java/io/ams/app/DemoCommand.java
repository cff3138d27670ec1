package io.ams.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.room.Participant;
import io.ams.engine.room.Room;
import io.ams.engine.synth.SyntheticParticipant;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.OutputStats;
import io.ams.rtp.VideoCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ams demo}: the product end to end in one command. Starts an engine (with its gRPC
 * server, so {@code ams ctl} works against it), creates room "demo", and adds synthetic
 * participants that send moving test patterns in distinct colours with their names as real RTP
 * over UDP. The live mix is recorded to a playable file and also sent as RTP to a local port
 * described by an SDP file, so it can be watched while it runs.
 */
@Command(name = "demo", description = {
        "Run an engine with synthetic participants and record the live mix to a playable file.",
        "Watch it live with: ffplay -protocol_whitelist file,udp,rtp -i <out>.sdp"})
public final class DemoCommand implements Callable<Integer> {
    static final String[] NAMES = {"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan",
        "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil"};
    static final int[] COLOURS = {0xE53935, 0x43A047, 0x1E88E5, 0xFB8C00, 0x8E24AA, 0x00897B, 0xD81B60, 0xFDD835,
        0x6D4C41, 0x546E7A, 0xC0CA33, 0x3949AB, 0xF4511E, 0x00ACC1, 0x7CB342, 0x5E35B1};

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--participants"}, defaultValue = "4", description = "Synthetic participants, 1..16 (default ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--seconds", defaultValue = "20", description = "How long to run; 0 runs until Ctrl-C (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--size", defaultValue = "1280x720", description = "Mix canvas size (default ${DEFAULT-VALUE}).")
    Canvas size;

    @Option(names = "--fps", defaultValue = "30", description = "Mix frame rate (default ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--codec", defaultValue = "vp8", description = "Mix codec: vp8 or h264 (default ${DEFAULT-VALUE}).")
    Codec codec;

    @Option(names = "--layout", defaultValue = "grid", description = "grid, filmstrip or speaker (default ${DEFAULT-VALUE}).")
    io.ams.proto.v1.LayoutKind layout;

    @Option(names = {"-o", "--out"}, defaultValue = "recordings/demo.webm",
            description = "Recording of the mix (.webm or .mkv; default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--live-port", defaultValue = "5004", description = "Also send the mix as RTP to 127.0.0.1:<port>, 0 to disable (default ${DEFAULT-VALUE}).")
    int livePort;

    @Option(names = "--grpc-port", defaultValue = "50051", description = "gRPC control port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int grpcPort;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (participants < 1 || participants > NAMES.length) {
            throw new ParameterException(spec.commandLine(), "--participants " + participants + " is out of range 1.." + NAMES.length);
        }
        if (seconds < 0) {
            throw new ParameterException(spec.commandLine(), "--seconds must be 0 (until Ctrl-C) or more");
        }
        if (layout == io.ams.proto.v1.LayoutKind.CUSTOM) {
            throw new ParameterException(spec.commandLine(), "--layout custom needs regions: use 'ams ctl layout' on a running engine");
        }
        VideoCodec videoCodec = codec == Codec.H264 ? VideoCodec.H264 : VideoCodec.VP8;
        Path absOut = out.toAbsolutePath();
        Path dir = absOut.getParent();
        Files.createDirectories(dir);
        String fileName = absOut.getFileName().toString();

        EngineConfig cfg = EngineConfig.defaults().withRecordDir(dir).withGrpcPort(grpcPort);
        Engine engine;
        try {
            engine = Engine.start(cfg);
        } catch (IOException e) {
            o.println("gRPC port " + grpcPort + " is busy, using a free one");
            engine = Engine.start(cfg.withGrpcPort(0));
        }
        List<SyntheticParticipant> senders = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "ams-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Room room = engine.rooms().create("demo", new OutputSpec(OutputSpec.MAIN, size.getWidth(), size.getHeight(),
                    fps, videoCodec, bitrateFor(size), LayoutSpec.of(LayoutKind.valueOf(layout.name()))));
            for (int i = 0; i < participants; i++) {
                Participant p = room.addParticipant(NAMES[i].toLowerCase(Locale.ROOT), NAMES[i], VideoCodec.VP8, 96, -1);
                senders.add(new SyntheticParticipant(NAMES[i], COLOURS[i], VideoCodec.VP8, 640, 360, fps, 800,
                        p.rtpHost(), p.rtpPort(), 96, 0x1000 + i).start());
            }
            engine.rooms().events().subscribe("demo", e -> {
                if (e.hasKeyframeNeeded()) {
                    String who = e.getKeyframeNeeded().getParticipantId();
                    senders.stream().filter(s -> s.name().equalsIgnoreCase(who)).forEach(SyntheticParticipant::requestKeyframe);
                }
            });
            room.addFileDestination(OutputSpec.MAIN, "recording", fileName);
            Path sdp = null;
            if (livePort > 0) {
                room.addUdpDestination(OutputSpec.MAIN, "live", "127.0.0.1", livePort, 0, 96);
                sdp = dir.resolve(fileName.replaceFirst("\\.[^.]+$", "") + ".sdp");
                Files.writeString(sdp, sdp(livePort, videoCodec));
            }
            o.printf("AMS demo: room 'demo', %d participants, %dx%d@%d %s %s mix%n", participants, size.getWidth(),
                    size.getHeight(), fps, videoCodec, layout.name().toLowerCase(Locale.ROOT));
            o.printf("  recording: %s%n", absOut);
            if (sdp != null) {
                o.printf("  watch live: ffplay -protocol_whitelist file,udp,rtp -i %s%n", sdp);
            }
            o.printf("  control:   bin/ams ctl --target 127.0.0.1:%d stats demo%n", engine.grpcPort());
            o.printf("  %s%n", seconds == 0 ? "running until Ctrl-C" : "running for " + seconds + " s (Ctrl-C stops early)");
            o.flush();

            long start = System.nanoTime();
            int speaker = 0;
            for (int tick = 1; seconds == 0 || tick <= seconds; tick++) {
                if (stop.await(1, TimeUnit.SECONDS)) {
                    break;
                }
                if (tick % 4 == 0 && participants > 1) {
                    speaker = (speaker + 1) % participants;
                    room.setMainSpeaker(NAMES[speaker].toLowerCase(Locale.ROOT));
                }
                if (tick % 5 == 0) {
                    Output main = room.output(OutputSpec.MAIN);
                    OutputStats s = main.stats();
                    o.printf("  %3ds  mix %.1f fps, %d frames, latency p50 %.1f ms p99 %.1f ms, encode %.1f ms%n",
                            (System.nanoTime() - start) / 1_000_000_000L, s.getOutputFps(), s.getFramesEncoded(),
                            s.getLatencyMs().getP50Ms(), s.getLatencyMs().getP99Ms(), s.getEncodeMsAvg());
                    o.flush();
                }
            }
            senders.forEach(SyntheticParticipant::close);
            senders.clear();
            long frames = room.output(OutputSpec.MAIN).stats().getFramesEncoded();
            engine.rooms().delete("demo");   // finishes the recording
            o.printf("wrote %s (%d frames). Play it with any player, e.g. ffplay %s%n", absOut, frames, absOut);
            o.flush();
            return Ams.EXIT_OK;
        } finally {
            senders.forEach(SyntheticParticipant::close);
            engine.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    static int bitrateFor(Canvas c) {
        long px = (long) c.getWidth() * c.getHeight();
        return (int) Math.max(300, Math.min(8000, px * 2500 / (1280L * 720)));
    }

    static String sdp(int port, VideoCodec codec) {
        String s = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=AMS demo mix\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video " + port + " RTP/AVP 96\r\na=rtpmap:96 " + codec.sdpName() + "/90000\r\n";
        if (codec == VideoCodec.H264) {
            s += "a=fmtp:96 packetization-mode=1\r\n";
        }
        return s;
    }
}
