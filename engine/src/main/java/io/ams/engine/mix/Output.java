package io.ams.engine.mix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineException;
import io.ams.engine.backend.MixBackend;
import io.ams.engine.backend.MixBackends;
import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;
import io.ams.engine.egress.Sink;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.room.FrameStore;
import io.ams.engine.stats.BurstLog;
import io.ams.engine.stats.LatencyRecorder;
import io.ams.engine.stats.RateMeter;
import io.ams.proto.v1.OutputStats;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpPayload;

/**
 * One mixed output of a room: on every tick of its own clock it takes the latest frame of each
 * participant from the room's frame store, composites them by its layout into its canvas,
 * encodes the canvas once, packetizes once and sends to every sink.
 *
 * <p>The clock runs at the configured fps whatever the inputs do. Ticks of one output never
 * overlap (each schedules the next); a tick that starts more than a period late skips the
 * missed frames (counted as late) rather than bursting.
 *
 * <p>Compositing and encoding go through the output's {@link MixBackend} (the CPU or the GPU; the
 * output does not know which), opened by the engine's {@link MixBackends}.
 *
 * <p>Owns: the backend and the send channel, both freed in {@link #close()} after the last tick
 * has finished.
 */
public final class Output implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Output.class);
    private static final int MAX_PAYLOAD = 1200;

    /** What an output reads from its room on each tick. */
    public interface Source {
        /** Tiles in join order with their display names: the participants, and the content first while shown. */
        List<ParticipantView> participants();

        /** The tile that gets the main region: the content while shown, else the main speaker. */
        String mainTileId();

        FrameStore frames();

        /** Per participant, the point its CROP tile centres on (a face), {x, y} fractions; absent: the centre. */
        default Map<String, double[]> focus() {
            return Map.of();
        }
    }

    /** A participant as an output sees it. */
    public record ParticipantView(String id, String displayName) {
    }

    private final String roomId;
    private final Source source;
    private volatile OutputSpec spec;
    private final CopyOnWriteArrayList<Sink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean keyframeRequested = new AtomicBoolean(true);
    private final DatagramChannel sendChannel;     // owned
    private final ScheduledExecutorService clock;  // passed in: shared by all outputs
    private final long periodNanos;
    private final Object tickLock = new Object();

    // touched only inside tick() (serialized by tickLock)
    private final MixBackend backend;              // owned: composites and encodes (CPU or GPU, not our business)
    private final Packetizer packetizer;
    private final Map<String, Long> lastSeenFrame = new HashMap<>();
    private volatile long startNanos;
    private long tickIndex;
    private boolean closed;
    private ScheduledFuture<?> next;

    // stats
    private final AtomicLong framesEncoded = new AtomicLong();
    private final AtomicLong lateTicks = new AtomicLong();
    private final AtomicLong keyframes = new AtomicLong();
    private final AtomicLong compositeNanosTotal = new AtomicLong();
    private final AtomicLong backendChanges = new AtomicLong();
    private final LatencyRecorder encodeTimes = new LatencyRecorder();
    private final LatencyRecorder latency = new LatencyRecorder();
    private final RateMeter rate = new RateMeter(3000);
    private final BurstLog tickLog = new BurstLog(LOG, 5000);

    public Output(String roomId, OutputSpec spec, Source source, ScheduledExecutorService clock) {
        this(roomId, spec, source, clock, MixBackends.cpu("CPU backend"), null);
    }

    /**
     * @param backends opens this output's backend (the engine's {@link io.ams.engine.backend.BackendPolicy})
     * @param events   told when the backend changes after a fault; may be null
     */
    public Output(String roomId, OutputSpec spec, Source source, ScheduledExecutorService clock, MixBackends backends,
            MixBackends.Events events) {
        this.roomId = roomId;
        this.spec = spec;
        this.source = source;
        this.clock = clock;
        this.periodNanos = 1_000_000_000L / spec.fps();
        this.packetizer = Packetizer.forCodec(spec.codec(), MAX_PAYLOAD);
        MixBackend b = null;
        DatagramChannel ch = null;
        try {
            b = backends.open(roomId, spec.id(), new EncoderConfig(spec.codec(), spec.width(), spec.height(),
                    spec.fps(), spec.bitrateKbps(), spec.fps() * 4), (r, o, now, fault) -> {
                        backendChanges.incrementAndGet();
                        if (events != null) {
                            events.backendChanged(r, o, now, fault);
                        }
                    });
            ch = DatagramChannel.open();
            ch.bind(null); // now, not at the first send: destinations tell receivers the port they send from
        } catch (IOException | RuntimeException e) {
            if (b != null) {
                b.close();
            }
            throw e instanceof EngineException ee ? ee : new EngineException(EngineException.Kind.INTERNAL,
                    "cannot start output '" + spec.id() + "': " + e.getMessage(), e);
        }
        this.backend = b;
        this.sendChannel = ch;
    }

    /** Where an output reports each frame's composite and encode time (metrics); set at any time. */
    public interface FrameTimings {
        void frame(long compositeNanos, long encodeNanos);
    }

    private volatile FrameTimings timings;

    public void setTimings(FrameTimings t) {
        this.timings = t;
    }

    /** Starts the clock. */
    public void start() {
        synchronized (tickLock) {
            startNanos = System.nanoTime();
            next = clock.schedule(this::tick, 0, TimeUnit.NANOSECONDS);
        }
    }

    public String id() {
        return spec.id();
    }

    public OutputSpec spec() {
        return spec;
    }

    public void setLayout(LayoutSpec layout) {
        spec = spec.withLayout(layout);
    }

    public void requestKeyframe() {
        keyframeRequested.set(true);
    }

    /** The channel RTP sinks of this output send through. */
    /**
     * Where {@code nanos} (System.nanoTime) falls on this output's RTP clock: frame n is stamped
     * n x 90000 / fps and ticks at start + n periods, so audio stamped so lines up with the video.
     */
    public long rtpTimestampAt(long nanos) {
        return ((nanos - startNanos) * 9 / 100_000) & 0xFFFF_FFFFL; // 90 kHz
    }

    public DatagramChannel sendChannel() {
        return sendChannel;
    }

    public void addSink(Sink sink) {
        for (Sink s : sinks) {
            if (s.id().equals(sink.id())) {
                sink.close();
                throw EngineException.alreadyExists("destination", sink.id());
            }
        }
        sinks.add(sink);
        requestKeyframe();   // a new receiver can only start decoding at a keyframe
    }

    public void removeSink(String sinkId) {
        Sink found = null;
        for (Sink s : sinks) {
            if (s.id().equals(sinkId)) {
                found = s;
            }
        }
        if (found == null) {
            throw EngineException.notFound("destination", sinkId);
        }
        sinks.remove(found);
        synchronized (tickLock) {
            found.close();
        }
    }

    /** The backend this output mixes on now (it changes after a fault), and why. */
    public io.ams.proto.v1.Backend backend() {
        return backend.kind();
    }

    public String backendReason() {
        return backend.reason();
    }

    /** Times this output moved to another backend (a fault), since it started. */
    public long backendChanges() {
        return backendChanges.get();
    }

    public List<Sink> sinks() {
        return List.copyOf(sinks);
    }

    private void tick() {
        synchronized (tickLock) {
            if (closed) {
                return;
            }
            long deadline = startNanos + tickIndex * periodNanos;
            try {
                produceFrame(tickIndex);
            } catch (RuntimeException e) {
                tickLog.warn("room {} output {}: tick failed: {}", roomId, spec.id(), e.toString());
            }
            long now = System.nanoTime();
            tickIndex++;
            long nextDeadline = startNanos + tickIndex * periodNanos;
            if (now - nextDeadline > periodNanos) {
                // more than a whole frame behind: skip the missed ticks instead of bursting
                long behind = (now - nextDeadline) / periodNanos;
                lateTicks.addAndGet(behind);
                tickIndex += behind;
                nextDeadline = startNanos + tickIndex * periodNanos;
            } else if (now > deadline + periodNanos) {
                lateTicks.incrementAndGet();
            }
            next = clock.schedule(this::tick, Math.max(0, nextDeadline - now), TimeUnit.NANOSECONDS);
        }
    }

    private void produceFrame(long frameIndex) {
        OutputSpec s = spec;
        List<ParticipantView> people = source.participants();
        List<String> ids = new ArrayList<>(people.size());
        Map<String, String> names = new HashMap<>();
        for (ParticipantView p : people) {
            ids.add(p.id());
            names.put(p.id(), p.displayName());
        }
        List<Tile> tiles = Layouts.compute(s.layout(), ids, source.mainTileId(), s.width(), s.height());
        List<Long> newFrameArrivals = new ArrayList<>();
        MixBackend.Result r;
        try (FrameStore.Snapshot snap = source.frames().snapshot(ids)) {
            for (Map.Entry<String, VideoFrame> e : snap.frames().entrySet()) {
                long received = e.getValue().receivedNanos();
                Long last = lastSeenFrame.put(e.getKey(), received);
                if (received != 0 && (last == null || last != received)) {
                    newFrameArrivals.add(received);
                }
            }
            lastSeenFrame.keySet().retainAll(snap.frames().keySet());
            boolean forceKey = keyframeRequested.getAndSet(false);
            Map<String, double[]> focus = s.layout().fit() == io.ams.engine.compose.Fit.CROP ? source.focus() : Map.of();
            r = backend.mix(new MixBackend.Frame(tiles, snap.frames(), names, s.layout(), focus, frameIndex, forceKey));
        }
        compositeNanosTotal.addAndGet(r.compositeNanos());
        encodeTimes.recordNanos(r.encodeNanos());
        FrameTimings ft = timings;
        if (ft != null) {
            ft.frame(r.compositeNanos(), r.encodeNanos());
        }
        List<EncodedFrame> out = r.frames();
        for (EncodedFrame f : out) {
            framesEncoded.incrementAndGet();
            if (f.keyframe()) {
                keyframes.incrementAndGet();
            }
            List<RtpPayload> payloads = null;
            for (Sink sink : sinks) {
                if (sink.wantsRtp() && payloads == null) {
                    payloads = packetizer.packetize(f);
                }
                sink.send(f, sink.wantsRtp() ? payloads : null);
            }
            long sent = System.nanoTime();
            rate.mark(sent);
            for (long arrival : newFrameArrivals) {
                latency.recordNanos(sent - arrival);
            }
            newFrameArrivals.clear();
        }
    }

    public OutputStats stats() {
        long now = System.nanoTime();
        long packets = 0;
        long bytes = 0;
        long errors = 0;
        for (Sink s : sinks) {
            errors += s.errors();
            if (s instanceof io.ams.engine.egress.UdpSink u) {
                packets += u.packetsSent();
                bytes += u.bytesSent();
            }
        }
        long frames = framesEncoded.get();
        return OutputStats.newBuilder()
                .setOutputId(spec.id())
                .setFramesEncoded(frames)
                .setOutputFps(rate.perSecond(now))
                .setLateTicks(lateTicks.get())
                .setBytesSent(bytes)
                .setPacketsSent(packets)
                .setKeyframes(keyframes.get())
                .setCompositeMsAvg(frames == 0 ? 0 : compositeNanosTotal.get() / 1e6 / frames)
                .setEncodeMsAvg(encodeTimes.meanMillis())
                .setEncodeMs(encodeTimes.toProto())
                .setLatencyMs(latency.toProto())
                .setSendErrors(errors)
                .setBackend(backend.kind())
                .setBackendReason(backend.reason())
                .setEncoder(backend.encoderName())
                .setBackendChanges(backendChanges.get())
                .build();
    }

    /** Stops the clock, waits for a running tick, closes sinks (finishing recordings) and frees. */
    @Override
    public void close() {
        synchronized (tickLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            for (Sink s : sinks) {
                s.close();
            }
            sinks.clear();
            backend.close();
            try {
                sendChannel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
