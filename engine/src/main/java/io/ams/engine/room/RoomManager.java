package io.ams.engine.room;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineConfig;
import io.ams.engine.EngineException;
import io.ams.engine.backend.BackendSelection;
import io.ams.engine.ingest.MediaPorts;
import io.ams.engine.mix.Ids;
import io.ams.engine.mix.OutputSpec;
import io.ams.proto.v1.Backend;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.RoomCreated;
import io.ams.proto.v1.RoomDeleted;

/**
 * All rooms of an engine and the resources they share: the media ports' event loops, the mixer
 * clock threads and the event bus. Owns every room and closes them in {@link #close()}.
 */
public final class RoomManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomManager.class);
    public static final int MAX_ROOMS = 1000;

    private final EngineConfig config;
    private final MediaPorts ports;                       // owned
    private final ScheduledThreadPoolExecutor clock;      // owned
    private final ScheduledThreadPoolExecutor audioClock; // owned: 20 ms audio frames, apart from video encodes
    private final EventBus events = new EventBus();
    private io.ams.engine.vision.FaceDetector faces; // owned; opened when a room first crops its tiles
    private boolean facesTried;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final Backend backend;
    private final String backendReason;
    private final io.ams.engine.backend.BackendPolicy backends;

    private final EngineDrain drain = new EngineDrain(this::size);

    public RoomManager(EngineConfig config) {
        this(config, null);
    }

    /**
     * @param device the device (GPU) backend for new outputs; null: what the engine's selection gives
     *     (the CPU in this build, see below). Tests pass a stand-in that needs no GPU to exercise the
     *     per-output fallback.
     */
    public RoomManager(EngineConfig config, io.ams.engine.backend.BackendPolicy.DeviceBackends device) {
        this.config = config;
        this.ports = new MediaPorts(config);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.clock = new ScheduledThreadPoolExecutor(threads, new NamedThreads("ams-mixer-"));
        this.clock.setRemoveOnCancelPolicy(true);
        this.audioClock = new ScheduledThreadPoolExecutor(Math.max(1, threads / 2), new NamedThreads("ams-audio-"));
        this.audioClock.setRemoveOnCancelPolicy(true);
        // outputs have no CUDA backend in this build: probe the GPU (to say why rooms run on the CPU)
        // without opening a context and its frame pools, which nothing would use
        BackendSelection sel = BackendSelection.probeOnly(config.backend());
        if (sel.backend() == Backend.GPU && config.backend() == io.ams.engine.EngineConfig.BackendChoice.GPU) {
            ports.close();
            clock.shutdown();
            audioClock.shutdown();
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION, "GPU backend requested: the GPU is"
                    + " usable (" + sel.reason() + ") but room outputs do not run on it yet in this build");
        }
        if (sel.backend() == Backend.GPU) {
            // the GPU pipeline (NVDEC, batched CUDA composite, NVENC/host copy) exists in
            // io.ams.engine.gpu but is not wired into room outputs yet: say so instead of claiming it
            this.backend = Backend.CPU;
            this.backendReason = "GPU usable (" + sel.reason() + ") but rooms do not run on it yet in this build:"
                    + " CPU backend";
        } else {
            this.backend = sel.backend();
            this.backendReason = sel.reason();
        }
        this.backends = new io.ams.engine.backend.BackendPolicy(backendReason, device, System::nanoTime,
                Long.getLong("ams.gpu.backoffMs", io.ams.engine.backend.BackendPolicy.DEFAULT_BACKOFF_MS),
                io.ams.engine.backend.BackendPolicy.DEFAULT_MAX_BACKOFF_MS);
        LOG.info("backend {}: {}", backend, backendReason);
    }

    /** Which backend each new output opens on (and the fault back-off). */
    public io.ams.engine.backend.BackendPolicy backends() {
        return backends;
    }

    public EngineConfig config() {
        return config;
    }

    public EventBus events() {
        return events;
    }

    public Backend backend() {
        return backend;
    }

    public String backendReason() {
        return backendReason;
    }

    /** The engine's drain state (issue 11): while draining, {@link #create} refuses new rooms. */
    public EngineDrain drain() {
        return drain;
    }

    public Room create(String roomId, OutputSpec mainOutput) {
        Ids.check("room_id", roomId);
        mainOutput.validate();
        drain.checkNewRoom();
        if (rooms.size() >= MAX_ROOMS) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "the engine has " + MAX_ROOMS
                    + " rooms already");
        }
        synchronized (rooms) {
            if (rooms.containsKey(roomId)) {
                throw EngineException.alreadyExists("room", roomId);
            }
            Room room = new Room(roomId, mainOutput, ports, clock, audioClock, events, config.recordDir(),
                    config.masterKey(), config.mediaHost(), backends);
            room.faceDetector(this::faceDetector);
            rooms.put(roomId, room);
            LOG.info("room {} created: {}x{} @{} fps {} {} kbps {}", roomId, mainOutput.width(), mainOutput.height(),
                    mainOutput.fps(), mainOutput.codec(), mainOutput.bitrateKbps(), mainOutput.layout().kind());
            events.publish(Event.newBuilder().setRoomId(roomId).setRoomCreated(RoomCreated.getDefaultInstance()));
            return room;
        }
    }

    public Room get(String roomId) {
        Room r = roomId == null ? null : rooms.get(roomId);
        if (r == null) {
            throw EngineException.notFound("room", roomId == null ? "" : roomId);
        }
        return r;
    }

    public List<Room> list() {
        List<Room> l = new ArrayList<>(rooms.values());
        l.sort((a, b) -> a.id().compareTo(b.id()));
        return l;
    }

    public int size() {
        return rooms.size();
    }

    public void delete(String roomId) {
        Room r;
        synchronized (rooms) {
            r = rooms.remove(roomId == null ? "" : roomId);
        }
        if (r == null) {
            throw EngineException.notFound("room", roomId);
        }
        r.close();
        LOG.info("room {} deleted", roomId);
        events.publish(Event.newBuilder().setRoomId(roomId).setRoomDeleted(RoomDeleted.getDefaultInstance()));
    }

    /**
     * The engine's face detector for face-aware CROP tiles, opened on first use (OpenCV's natives load then); null
     * when off ({@code -Dams.faces=off}) or when OpenCV or Debian's cascade is missing (logged once).
     */
    synchronized io.ams.engine.vision.FaceDetector faceDetector() {
        if (!facesTried) {
            facesTried = true;
            if (!"off".equals(System.getProperty("ams.faces"))) {
                faces = io.ams.engine.vision.FaceDetector.open(io.ams.engine.vision.FaceDetector.DEBIAN_CASCADE);
                if (faces != null) {
                    LOG.info("face-aware tiles: CROP tiles centre on faces ({})", io.ams.engine.vision.FaceDetector.DEBIAN_CASCADE);
                }
            }
        }
        return faces;
    }

    @Override
    public void close() {
        for (Room r : list()) {
            try {
                delete(r.id());
            } catch (RuntimeException e) {
                LOG.warn("closing room {}: {}", r.id(), e.toString());
            }
        }
        clock.shutdown();
        audioClock.shutdown();
        try {
            clock.awaitTermination(5, TimeUnit.SECONDS);
            audioClock.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ports.close();
        synchronized (this) {
            if (faces != null) {
                faces.close();
            }
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger n = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
