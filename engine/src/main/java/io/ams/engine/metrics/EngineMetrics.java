package io.ams.engine.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.ams.engine.control.MixerService;
import io.ams.engine.ingest.IngressStats;
import io.ams.engine.media.NativeResources;
import io.ams.engine.mix.Output;
import io.ams.engine.room.Participant;
import io.ams.engine.room.Room;
import io.ams.engine.room.RoomManager;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The engine's Prometheus metrics (names in docs/METRICS.md). Engine-wide meters are registered
 * once; per room and per output meters are added when a scrape finds a new room or output and
 * removed when it has gone, so the registry never holds a closed room. Values are read from the
 * rooms' own counters at scrape time; only the encode and composite histograms are recorded per
 * frame (through {@link Output.FrameTimings}).
 */
public final class EngineMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RoomManager rooms;
    private final io.ams.engine.gpu.GpuUsage gpu; // null: no GPU here
    private final Map<String, List<Meter>> roomMeters = new HashMap<>();     // room id
    private final Map<String, List<Meter>> outputMeters = new HashMap<>();   // room id / output id
    private final Timer.Builder encode = Timer.builder("ams.output.encode").description("time to encode one mixed frame")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMillis(200));
    private final Timer.Builder composite = Timer.builder("ams.output.composite")
            .description("time to compose one mixed frame").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMillis(200));

    public EngineMetrics(RoomManager rooms, MixerService service) {
        this(rooms, service, io.ams.engine.gpu.GpuUsage.ofThisMachine().orElse(null));
    }

    /** {@code gpu}: where the devices' memory and utilisation come from; null: no GPU meters (no GPU here). */
    public EngineMetrics(RoomManager rooms, MixerService service, io.ams.engine.gpu.GpuUsage gpu) {
        this.rooms = rooms;
        this.gpu = gpu;
        if (gpu != null) {
            gpuMeters(gpu);
        }
        Gauge.builder("ams.engine.rooms", rooms, RoomManager::size).description("rooms open").register(registry);
        Gauge.builder("ams.engine.participants", rooms, r -> r.list().stream().mapToInt(x -> x.participantList().size()).sum())
                .description("participants in all rooms").register(registry);
        Gauge.builder("ams.engine.native.frames", NativeResources::outstandingFrames)
                .description("native (FFmpeg) frames allocated and not freed").register(registry);
        Gauge.builder("ams.engine.native.packets", NativeResources::outstandingPackets)
                .description("native (FFmpeg) packets allocated and not freed").register(registry);
        Gauge.builder("ams.engine.load.room.equivalents", rooms, r -> io.ams.engine.EngineLoad.of(r.list()))
                .description("720p30 room-equivalents the engine runs now (issue 11: what cluster placement compares)")
                .register(registry);
        Gauge.builder("ams.engine.capacity.room.equivalents", service, s -> s.info().getCapacity())
                .description("720p30 room-equivalents the engine holds (measured at start-up or --capacity; 0 outside a"
                        + " cluster)").register(registry);
        Gauge.builder("ams.engine.load.ratio", service, s -> {
            io.ams.proto.v1.EngineInfo i = s.info();
            return i.getCapacity() <= 0 ? 0 : i.getLoad() / i.getCapacity();
        }).description("load over capacity (1: full); the autoscaler's metric").register(registry);
        Gauge.builder("ams.engine.draining", rooms, r -> r.drain().draining() ? 1 : 0)
                .description("1 while the engine drains (takes no new rooms)").register(registry);
        Gauge.builder("ams.engine.info", () -> 1).tags("backend", rooms.backend().name(), "version", MixerService.VERSION)
                .description("constant 1; the labels say which backend runs").register(registry);
        FunctionCounter.builder("ams.control.calls.unauthenticated", service, s -> s.info().getCallsUnauthenticated())
                .description("control calls refused: no or a wrong token").register(registry);
        FunctionCounter.builder("ams.control.destinations.denied", service, s -> s.info().getDestinationsDenied())
                .description("RTP destinations refused by the allow-list").register(registry);
        FunctionCounter.builder("ams.control.file.names.refused", service, s -> s.info().getFileNamesRefused())
                .description("recording names refused").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The registry the meters are in (the all-in-one adds the sidecar's to it: one scrape serves both). */
    /** Per device: memory used and total, and utilisation of its SMs, NVDEC and NVENC (NaN where it has none). */
    private void gpuMeters(io.ams.engine.gpu.GpuUsage gpu) {
        for (io.ams.engine.gpu.GpuUsage.Device d : gpu.devices()) {
            int i = d.index();
            Tags t = Tags.of("gpu", Integer.toString(i), "name", d.name());
            Gauge.builder("ams.engine.gpu.memory.used", gpu, g -> device(g, i).memoryUsedBytes()).tags(t).baseUnit("bytes")
                    .description("device memory in use (all processes on the GPU)").register(registry);
            Gauge.builder("ams.engine.gpu.memory.total", gpu, g -> device(g, i).memoryTotalBytes()).tags(t)
                    .baseUnit("bytes").description("device memory").register(registry);
            String busy = "share of time the device's units were busy (0..1): sm, decoder (NVDEC), encoder (NVENC)";
            Gauge.builder("ams.engine.gpu.utilization", gpu, g -> device(g, i).sm()).tags(t.and("unit", "sm"))
                    .description(busy).register(registry);
            Gauge.builder("ams.engine.gpu.utilization", gpu, g -> device(g, i).decoder()).tags(t.and("unit", "decoder"))
                    .description(busy).register(registry);
            Gauge.builder("ams.engine.gpu.utilization", gpu, g -> device(g, i).encoder()).tags(t.and("unit", "encoder"))
                    .description(busy).register(registry);
        }
        io.micrometer.core.instrument.FunctionCounter.builder("ams.engine.gpu.usage.read.failures", gpu,
                io.ams.engine.gpu.GpuUsage::failures).description("nvidia-smi samples that failed").register(registry);
    }

    private static io.ams.engine.gpu.GpuUsage.Device device(io.ams.engine.gpu.GpuUsage g, int index) {
        for (io.ams.engine.gpu.GpuUsage.Device d : g.devices()) {
            if (d.index() == index) {
                return d;
            }
        }
        return new io.ams.engine.gpu.GpuUsage.Device(index, "", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of everything now. */
    public synchronized String scrape() {
        sync();
        if (gpu != null) {
            gpu.devices(); // one fresh sample (when due) before any GPU meter reads it, failures counted first
        }
        return registry.scrape();
    }

    /** Meters for rooms and outputs that appeared since the last scrape; none for those gone. */
    private void sync() {
        Set<String> seenRooms = new HashSet<>();
        Set<String> seenOutputs = new HashSet<>();
        for (Room r : rooms.list()) {
            seenRooms.add(r.id());
            roomMeters.computeIfAbsent(r.id(), k -> roomMeters(r));
            for (Output o : r.outputList()) {
                String key = r.id() + "/" + o.id();
                seenOutputs.add(key);
                outputMeters.computeIfAbsent(key, k -> outputMeters(r.id(), o));
            }
        }
        drop(roomMeters, seenRooms);
        drop(outputMeters, seenOutputs);
    }

    private void drop(Map<String, List<Meter>> meters, Set<String> keep) {
        meters.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    private List<Meter> roomMeters(Room r) {
        Tags t = Tags.of("room", r.id());
        List<Meter> m = new ArrayList<>();
        m.add(Gauge.builder("ams.room.participants", r, x -> x.participantList().size()).tags(t).register(registry));
        m.add(counter("ams.room.packets", r, t, "RTP packets accepted from participants", IngressStats::packets));
        m.add(counter("ams.room.packets.lost", r, t, "sequence gaps never filled", IngressStats::lost));
        m.add(counter("ams.room.packets.rejected", r, t, "datagrams refused (garbage, wrong payload type or SSRC)",
                IngressStats::rejected));
        m.add(counter("ams.room.frames.decoded", r, t, "video frames decoded", IngressStats::framesDecoded));
        m.add(counter("ams.room.decode.errors", r, t, "frames the decoder refused", IngressStats::decodeErrors));
        m.add(counter("ams.room.keyframe.requests", r, t, "keyframes asked of senders", IngressStats::keyframeRequests));
        m.add(FunctionCounter.builder("ams.room.audio.frames.concealed", r, x -> audio(x, a -> a.buffer().framesConcealed))
                .tags(t).description("lost audio frames concealed (Opus PLC)").register(registry));
        m.add(FunctionCounter.builder("ams.room.audio.frames.fec", r, x -> audio(x, a -> a.buffer().framesFec))
                .tags(t).description("lost audio frames rebuilt from FEC").register(registry));
        m.add(FunctionCounter.builder("ams.room.audio.mix.frames", r, x -> x.audioMix().stats().getFrames())
                .tags(t).description("20 ms audio frames mixed").register(registry));
        m.add(FunctionCounter.builder("ams.room.audio.mix.late", r, x -> x.audioMix().stats().getLateTicks())
                .tags(t).description("audio frames past their 20 ms deadline").register(registry));
        m.add(FunctionCounter.builder("ams.room.audio.mix.encodes", r, x -> x.audioMix().stats().getEncodes())
                .tags(t).description("Opus encodes of the mix").register(registry));
        m.add(Gauge.builder("ams.room.audio.speakers", r, x -> x.audioMix().speakers().size()).tags(t)
                .description("voices in the audio mix now").register(registry));
        return m;
    }

    private FunctionCounter counter(String name, Room r, Tags t, String what, java.util.function.ToLongFunction<IngressStats> f) {
        return FunctionCounter.builder(name, r, x -> {
            double sum = 0;
            for (Participant p : x.participantList()) {
                sum += f.applyAsLong(p.ingress().stats());
            }
            return sum;
        }).tags(t).description(what).register(registry);
    }

    private static double audio(Room r, ToDoubleFunction<io.ams.engine.audio.AudioSource.Snapshot> f) {
        double sum = 0;
        for (Participant p : r.participantList()) {
            if (p.audio() != null) {
                sum += f.applyAsDouble(p.audio().snapshot());
            }
        }
        return sum;
    }

    private List<Meter> outputMeters(String roomId, Output o) {
        Tags t = Tags.of("room", roomId, "output", o.id());
        List<Meter> m = new ArrayList<>();
        Timer enc = encode.tags(t).register(registry);
        Timer comp = composite.tags(t).register(registry);
        o.setTimings((compositeNanos, encodeNanos) -> {
            comp.record(Duration.ofNanos(compositeNanos));
            enc.record(Duration.ofNanos(encodeNanos));
        });
        m.add(enc);
        m.add(comp);
        m.add(Gauge.builder("ams.output.fps", o, x -> x.stats().getOutputFps()).tags(t)
                .description("mixed frames per second, last few seconds").register(registry));
        m.add(FunctionCounter.builder("ams.output.frames", o, x -> x.stats().getFramesEncoded()).tags(t)
                .description("mixed frames encoded").register(registry));
        m.add(FunctionCounter.builder("ams.output.late.ticks", o, x -> x.stats().getLateTicks()).tags(t)
                .description("ticks that ran past their deadline").register(registry));
        m.add(FunctionCounter.builder("ams.output.bytes.sent", o, x -> x.stats().getBytesSent()).tags(t)
                .description("RTP bytes sent").register(registry));
        m.add(FunctionCounter.builder("ams.output.keyframes", o, x -> x.stats().getKeyframes()).tags(t)
                .description("keyframes encoded").register(registry));
        m.add(FunctionCounter.builder("ams.output.send.errors", o, x -> x.stats().getSendErrors()).tags(t)
                .description("sends that failed").register(registry));
        return m;
    }
}
