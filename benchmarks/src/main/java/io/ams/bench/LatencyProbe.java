package io.ams.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.ingest.IngressStats;
import io.ams.engine.media.NativeResources;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.room.Participant;
import io.ams.engine.room.Room;
import io.ams.engine.synth.SyntheticParticipant;
import io.ams.proto.v1.LatencyHistogram;
import io.ams.proto.v1.OutputStats;
import io.ams.rtp.VideoCodec;

/**
 * Live-room latency probe (not JMH): an embedded engine with one room (GRID, VP8, 30 fps),
 * {@code --participants} synthetic senders (640x360@30 VP8 RTP over loopback UDP) and one RTP
 * destination that a local socket drains. After {@code --warmup} seconds the warm-up output is
 * replaced by a fresh one with the same spec (so its histograms hold only the measured period),
 * which runs for {@code --seconds}; then the output's engine latency (last RTP packet of an input
 * frame in -> first RTP packet of the mix frame containing it out), encode time and fps are
 * printed with the participants' ingress counters.
 *
 * <p>How to run: {@code java -cp benchmarks/target/benchmarks.jar io.ams.bench.LatencyProbe --participants 4 --seconds 20 --size 1280x720}
 *
 * <p>Owns the engine, the senders and the drain socket; all are closed before {@code main} returns.
 */
public final class LatencyProbe {
    private static final String ROOM = "probe";
    private static final String MEASURED = "measured";
    private static final int[] COLOURS = {0x1E6FD9, 0xD9421E, 0x2EA84A, 0xB02EA8, 0xD9B31E, 0x1EB3D9, 0x7A4A2E,
        0x5A5A9A, 0x9A2E4A, 0x2E7A7A, 0x8AA82E, 0x4A2E9A, 0xD97A1E, 0x2E4A2E, 0xA8A8A8, 0x6A1E1E};

    private LatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int participants = 4;
        int seconds = 20;
        int warmup = 5;
        int bitrate = 2500;
        int[] size = {1280, 720};
        int[] input = {640, 360};
        int[] speaker = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--participants" -> participants = Integer.parseInt(require(a, v));
                case "--seconds" -> seconds = Integer.parseInt(require(a, v));
                case "--warmup" -> warmup = Integer.parseInt(require(a, v));
                case "--bitrate" -> bitrate = Integer.parseInt(require(a, v));
                case "--size" -> size = CompositeBenchmark.parseSize(require(a, v));
                case "--input" -> input = CompositeBenchmark.parseSize(require(a, v));
                case "--speaker" -> speaker = CompositeBenchmark.parseSize(require(a, v));
                case "-h", "--help" -> {
                    System.out.println("usage: LatencyProbe [--participants N=4] [--seconds S=20] [--warmup S=5]"
                            + " [--size WxH=1280x720] [--bitrate KBPS=2500] [--input WxH=640x360 (every sender)]"
                            + " [--speaker WxH (participant 0, as after dynamic resolution)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
            i++;
        }
        run(participants, seconds, warmup, size[0], size[1], bitrate, input, speaker);
    }

    private static String require(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return value;
    }

    /** @param speaker participant 0's size, or null for {@code input} like everyone else */
    static void run(int participants, int seconds, int warmup, int width, int height, int bitrate, int[] input, int[] speaker)
            throws IOException, InterruptedException {
        long framesBefore = NativeResources.outstandingFrames();
        List<SyntheticParticipant> senders = new ArrayList<>();
        AtomicLong drained = new AtomicLong();
        try (Engine engine = Engine.startEmbedded(EngineConfig.ephemeral());
             DatagramChannel sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            OutputSpec spec = new OutputSpec(OutputSpec.MAIN, width, height, 30, VideoCodec.VP8, bitrate,
                    LayoutSpec.grid());
            Room room = engine.rooms().create(ROOM, spec);
            int sinkPort = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            Thread drain = new Thread(() -> drain(sink, drained), "latency-probe-drain");
            drain.setDaemon(true);
            drain.start();
            for (int i = 0; i < participants; i++) {
                String name = "P" + i;
                Participant p = room.addParticipant(name.toLowerCase(Locale.ROOT), name, VideoCodec.VP8, 96, -1);
                int[] in = i == 0 && speaker != null ? speaker : input;
                int kbps = (int) Math.max(100, Math.min(2500, 800L * in[0] * in[1] / (640 * 360)));
                senders.add(new SyntheticParticipant(name, COLOURS[i % COLOURS.length], VideoCodec.VP8, in[0], in[1], 30,
                        kbps, p.rtpHost(), p.rtpPort(), 96, 0x1000 + i));
            }
            engine.rooms().events().subscribe(ROOM, e -> {
                if (e.hasKeyframeNeeded()) {
                    String who = e.getKeyframeNeeded().getParticipantId();
                    senders.stream().filter(s -> s.name().equalsIgnoreCase(who))
                            .forEach(SyntheticParticipant::requestKeyframe);
                }
            });
            senders.forEach(SyntheticParticipant::start);
            room.addUdpDestination(OutputSpec.MAIN, "drain", "127.0.0.1", sinkPort, 0, 96);
            System.out.printf("LatencyProbe: %d participants %dx%d@30 VP8%s -> room %dx%d@30 VP8 GRID %d kbps;"
                    + " warm-up %d s, measuring %d s%n", participants, input[0], input[1],
                    speaker == null ? "" : " (participant 0: " + speaker[0] + "x" + speaker[1] + ")", width, height, bitrate,
                    warmup, seconds);
            Thread.sleep(warmup * 1000L);

            // a fresh output for the measured period: its histograms start empty
            room.addOutput(new OutputSpec(MEASURED, width, height, 30, VideoCodec.VP8, bitrate, LayoutSpec.grid()));
            room.addUdpDestination(MEASURED, "drain", "127.0.0.1", sinkPort, 0, 96);
            room.removeOutput(OutputSpec.MAIN);
            Output measured = room.output(MEASURED);
            long cpu0 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long cpu1 = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            System.out.printf("process_cpu %.2f cores over the measured period (senders' encoders included)%n",
                    (cpu1 - cpu0) / (double) (System.nanoTime() - wall0));

            OutputStats s = measured.stats();
            LatencyHistogram lat = s.getLatencyMs();
            LatencyHistogram enc = s.getEncodeMs();
            System.out.printf("latency_ms  count %d  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                    lat.getCount(), lat.getP50Ms(), lat.getP90Ms(), lat.getP99Ms(), lat.getMaxMs());
            System.out.printf("encode_ms   count %d  avg %.2f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                    enc.getCount(), s.getEncodeMsAvg(), enc.getP50Ms(), enc.getP90Ms(), enc.getP99Ms(), enc.getMaxMs());
            System.out.printf("composite_ms avg %.2f%n", s.getCompositeMsAvg());
            System.out.printf("output      fps %.1f (last seconds)  frames %d in %d s = %.1f fps  late ticks %d"
                            + "  keyframes %d  packets %d  bytes %d  send errors %d  drained %d%n",
                    s.getOutputFps(), s.getFramesEncoded(), seconds, s.getFramesEncoded() / (double) seconds,
                    s.getLateTicks(), s.getKeyframes(), s.getPacketsSent(), s.getBytesSent(), s.getSendErrors(),
                    drained.get());
            for (Participant p : room.participantList()) {
                IngressStats in = p.ingress().stats();
                System.out.printf("participant %s  packets %d  lost %d  rejected %d  frames received %d  decoded %d"
                                + "  dropped %d  decode errors %d  keyframe requests %d%n",
                        p.id(), in.packets(), in.lost(), in.rejected(), in.framesReceived(), in.framesDecoded(),
                        in.framesDropped(), in.decodeErrors(), in.keyframeRequests());
            }
            for (SyntheticParticipant sp : senders) {
                sp.close();
            }
            senders.clear();
        } finally {
            senders.forEach(SyntheticParticipant::close);
        }
        System.out.printf("native frames outstanding after close: %d%n",
                NativeResources.outstandingFrames() - framesBefore);
    }

    private static void drain(DatagramChannel channel, AtomicLong count) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buf.clear();
                channel.receive(buf);
                count.incrementAndGet();
            }
        } catch (ClosedChannelException e) {
            // closed at the end of the run
        } catch (IOException e) {
            System.err.println("drain: " + e);
        }
    }
}
