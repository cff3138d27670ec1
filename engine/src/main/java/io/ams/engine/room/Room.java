package io.ams.engine.room;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineException;
import io.ams.engine.codec.MediaFileWriter;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.egress.FileSink;
import io.ams.engine.egress.Sink;
import io.ams.engine.recording.RecordingChunks;
import io.ams.engine.recording.SealedRecordingSink;
import io.ams.engine.egress.UdpSink;
import io.ams.engine.ingest.MediaPorts;
import io.ams.engine.ingest.ParticipantIngress;
import io.ams.engine.ingest.SenderPin;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.mix.Ids;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.KeyframeNeeded;
import io.ams.proto.v1.MainSpeakerChanged;
import io.ams.proto.v1.ParticipantAdded;
import io.ams.proto.v1.ParticipantRemoved;
import io.ams.rtp.VideoCodec;

/**
 * A room: its participants (join order kept), the frame store they feed, and its outputs.
 * Control-path methods are synchronized and throw {@link EngineException}; the media path
 * (ingress callbacks, output ticks) reads volatile snapshots and never blocks on them.
 */
public final class Room implements AutoCloseable, ParticipantIngress.Listener, Output.Source {
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    public static final int MAX_PARTICIPANTS = 100;
    public static final int MAX_OUTPUTS = 8;
    public static final int MAX_DESTINATIONS = 64;

    private final String id;
    private final long createdAtMs = System.currentTimeMillis();
    private final MediaPorts ports;                 // passed in
    private final ScheduledExecutorService clock;   // passed in
    private final io.ams.engine.audio.RoomAudioMix audioMix; // owned
    private final EventBus events;                  // passed in
    private final Path recordDir;
    private final Path masterKeyFile;
    private final RoomRecordings recordings;
    private final String mediaHost;
    private final io.ams.engine.backend.MixBackends backends; // the engine's: which backend each output mixes on
    private final SecureRandom random = new SecureRandom();
    private final FrameStore frames = new FrameStore();                      // owned
    private final LinkedHashMap<String, Participant> participants = new LinkedHashMap<>();   // owned
    private final LinkedHashMap<String, Output> outputs = new LinkedHashMap<>();             // owned
    private volatile List<Output> outputView = List.of(); // the outputs, for threads that do not take the lock
    private volatile List<Output.ParticipantView> views = List.of();
    private volatile String mainSpeakerId;
    private volatile String contentLabel; // null: no content shown (its picture is in frames under Layouts.CONTENT_ID)
    private volatile io.ams.engine.vision.FaceFocus faces; // owned; null: no face-aware tiles
    private java.util.function.Supplier<io.ams.engine.vision.FaceDetector> faceDetector; // the engine's, opened on first use
    private boolean closed;

    Room(String id, OutputSpec mainOutput, MediaPorts ports, ScheduledExecutorService clock, EventBus events,
         Path recordDir, String mediaHost) {
        this(id, mainOutput, ports, clock, clock, events, recordDir, recordDir.resolve(MASTER_KEY_FILE), mediaHost,
                io.ams.engine.backend.MixBackends.cpu("CPU backend"));
    }

    /** {@code audioClock}: where the room's 20 ms audio frames run (apart from video encodes, which take longer). */
    Room(String id, OutputSpec mainOutput, MediaPorts ports, ScheduledExecutorService clock,
         ScheduledExecutorService audioClock, EventBus events, Path recordDir, Path masterKeyFile, String mediaHost,
         io.ams.engine.backend.MixBackends backends) {
        this.id = id;
        this.backends = backends;
        this.ports = ports;
        this.clock = clock;
        this.events = events;
        this.recordDir = recordDir;
        this.masterKeyFile = masterKeyFile;
        this.recordings = new RoomRecordings(id);
        this.mediaHost = mediaHost;
        addOutput(mainOutput);
        this.audioMix = new io.ams.engine.audio.RoomAudioMix(id, audioClock, outputs.get(OutputSpec.MAIN).sendChannel(),
                random);
    }

    public String id() {
        return id;
    }

    public long createdAtMs() {
        return createdAtMs;
    }

    /**
     * Face-aware tiles with {@code detector} (shared, not owned): while an output of the room crops its tiles, each
     * participant's face is looked for a few times a second and its tile centred on it.
     */
    /** Where the engine's shared face detector comes from (null: no face-aware tiles), asked when a CROP output appears. */
    synchronized void faceDetector(java.util.function.Supplier<io.ams.engine.vision.FaceDetector> d) {
        this.faceDetector = d;
        if (anyOutputCrops() && d != null) {
            faces(d.get());
        }
    }

    synchronized void faces(io.ams.engine.vision.FaceDetector detector) {
        if (detector == null || faces != null || closed) {
            return;
        }
        faces = new io.ams.engine.vision.FaceFocus(id, detector, frames, () -> {
            List<String> ids = new ArrayList<>();
            for (Output.ParticipantView v : views) {
                if (!Layouts.CONTENT_ID.equals(v.id())) {
                    ids.add(v.id());
                }
            }
            return ids;
        }, this::anyOutputCrops);
    }

    private boolean anyOutputCrops() {
        for (Output o : outputView) {
            if (o.spec().layout().fit() == io.ams.engine.compose.Fit.CROP) {
                return true;
            }
        }
        return false;
    }

    // ---- Output.Source (media path) ----

    @Override
    public Map<String, double[]> focus() {
        io.ams.engine.vision.FaceFocus f = faces;
        return f == null ? Map.of() : f.focus();
    }

    @Override
    public List<Output.ParticipantView> participants() {
        return views;
    }

    public String mainSpeakerId() {
        return mainSpeakerId;
    }

    @Override
    public String mainTileId() {
        return contentLabel != null ? Layouts.CONTENT_ID : mainSpeakerId;
    }

    /** The label of the content shown (a document page), null when none. */
    public String contentLabel() {
        return contentLabel;
    }

    /**
     * Shows {@code picture} (taken over: the room owns it from here) as the room's content tile, labelled
     * {@code label}: the first tile, and the main region of SPEAKER layouts, letterboxed; null clears it.
     */
    public synchronized void setContent(VideoFrame picture, String label) {
        if (closed) {
            if (picture != null) {
                picture.release();
            }
            throw EngineException.notFound("room", id);
        }
        if (picture == null) {
            frames.remove(Layouts.CONTENT_ID);
            contentLabel = null;
        } else {
            frames.publish(Layouts.CONTENT_ID, picture);
            contentLabel = label == null || label.isBlank() ? "content" : label;
        }
        refreshViews();
        LOG.info("room {}: content {}", id, contentLabel == null ? "cleared" : "'" + contentLabel + "' shown");
    }

    @Override
    public FrameStore frames() {
        return frames;
    }

    // ---- ParticipantIngress.Listener (media path) ----

    @Override
    public void onFrame(String participantId, VideoFrame frame) {
        frames.publish(participantId, frame);
    }

    @Override
    public void onKeyframeNeeded(String participantId, String reason) {
        events.publish(Event.newBuilder().setRoomId(id)
                .setKeyframeNeeded(KeyframeNeeded.newBuilder().setParticipantId(participantId).setReason(reason)));
    }

    // ---- control path ----

    public synchronized Participant addParticipant(String participantId, String displayName, VideoCodec codec,
                                                   int payloadType, long requiredSsrc) {
        return addParticipant(participantId, displayName, codec, payloadType, requiredSsrc, SenderPin.latchFirst());
    }

    /** Adds a participant whose RTP is taken from {@code sender} only. */
    public synchronized Participant addParticipant(String participantId, String displayName, VideoCodec codec,
                                                   int payloadType, long requiredSsrc, SenderPin sender) {
        return addParticipant(participantId, displayName, codec, payloadType, requiredSsrc, sender, 0, 0);
    }

    /**
     * Adds a participant whose RTP is taken from {@code sender} only; Opus of {@code audioPayloadType}
     * (0: none) on the same port goes into the room's audio mix, its RFC 6464 level read from
     * extension {@code audioLevelExtId} (0: none).
     */
    public synchronized Participant addParticipant(String participantId, String displayName, VideoCodec codec,
                                                   int payloadType, long requiredSsrc, SenderPin sender,
                                                   int audioPayloadType, int audioLevelExtId) {
        ensureOpen();
        Ids.check("participant_id", participantId);
        if (participants.containsKey(participantId)) {
            throw EngineException.alreadyExists("participant", participantId);
        }
        if (participants.size() >= MAX_PARTICIPANTS) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "room '" + id + "' is full: at most "
                    + MAX_PARTICIPANTS + " participants");
        }
        if (payloadType < 96 || payloadType > 127) {
            throw EngineException.invalid("payload_type " + payloadType + " is out of range: allowed 96..127");
        }
        if (audioPayloadType != 0 && (audioPayloadType < 96 || audioPayloadType > 127 || audioPayloadType == payloadType)) {
            throw EngineException.invalid("audio_payload_type " + audioPayloadType
                    + " is invalid: allowed 96..127 and not the video's " + payloadType + " (0: no audio)");
        }
        if (audioLevelExtId < 0 || audioLevelExtId > 14) {
            throw EngineException.invalid("audio_level_ext_id " + audioLevelExtId + " is out of range: allowed 1..14 (0: none)");
        }
        String name = displayName == null || displayName.isBlank() ? participantId : displayName.strip();
        if (name.length() > 64) {
            throw EngineException.invalid("display_name is " + name.length() + " characters long: at most 64");
        }
        io.ams.engine.audio.AudioSource audio = audioPayloadType == 0 ? null
                : new io.ams.engine.audio.AudioSource(participantId, audioLevelExtId);
        MediaPorts.Bound<ParticipantIngress> bound;
        try {
            bound = ports.bind(() -> new ParticipantIngress(participantId, codec, payloadType, requiredSsrc, sender, this)
                    .withAudio(audioPayloadType, audio));
        } catch (RuntimeException e) {
            if (audio != null) {
                audio.close();
            }
            throw e;
        }
        ParticipantIngress ingress = bound.handler();
        int port = bound.port();
        long mixSsrc = audioMix.add(participantId, audio);
        Participant p = new Participant(participantId, name, codec, payloadType, requiredSsrc, ingress, mediaHost, port,
                audioPayloadType, audio, mixSsrc);
        participants.put(participantId, p);
        if (mainSpeakerId == null) {
            mainSpeakerId = participantId;
        }
        refreshViews();
        LOG.info("room {}: participant {} ('{}', {} pt {}{}) sends RTP to {}:{}, taken from {}", id, participantId, name,
                codec, payloadType, audio == null ? ", no audio" : ", Opus pt " + audioPayloadType, mediaHost, port,
                sender.describe());
        events.publish(Event.newBuilder().setRoomId(id)
                .setParticipantAdded(ParticipantAdded.newBuilder().setParticipantId(participantId)));
        return p;
    }

    public synchronized void removeParticipant(String participantId) {
        ensureOpen();
        Participant p = participants.remove(participantId);
        if (p == null) {
            throw EngineException.notFound("participant", participantId);
        }
        refreshViews();
        p.ingress().close();          // after this no frame of p is published
        audioMix.remove(participantId);
        frames.remove(participantId);
        if (participantId.equals(mainSpeakerId)) {
            setMainSpeakerInternal(participants.isEmpty() ? null : participants.keySet().iterator().next());
        }
        LOG.info("room {}: participant {} removed", id, participantId);
        events.publish(Event.newBuilder().setRoomId(id)
                .setParticipantRemoved(ParticipantRemoved.newBuilder().setParticipantId(participantId)));
    }

    /**
     * Camera off ({@code muted}): the participant's tile shows its name placeholder (its last frame dropped,
     * new ones ignored); camera on: its frames again, from a keyframe it is asked for.
     */
    public synchronized void setParticipantVideoMuted(String participantId, boolean muted) {
        ensureOpen();
        if (!participants.containsKey(participantId)) {
            throw EngineException.notFound("participant", participantId);
        }
        if (frames.muted(participantId) == muted) {
            return;
        }
        frames.setMuted(participantId, muted);
        LOG.info("room {}: participant {} camera {}", id, participantId, muted ? "off (name placeholder)" : "on");
        if (!muted) {
            onKeyframeNeeded(participantId, "camera on");
        }
    }

    public boolean participantVideoMuted(String participantId) {
        return frames.muted(participantId);
    }

    /**
     * The participant's uplink RTT as the edge measured it: the ingress's reorder wait follows it.
     * Absurd values are clamped (and counted), not refused. Returns the RTT taken.
     */
    public synchronized int setParticipantRtt(String participantId, long rttMillis) {
        ensureOpen();
        Participant p = participants.get(participantId);
        if (p == null) {
            throw EngineException.notFound("participant", participantId);
        }
        return p.ingress().setRttHint(rttMillis);
    }

    // ---- audio ----

    /**
     * Sends the room's mixed audio to host:port, if {@code guard} allows it (host null or empty: stops
     * it). {@code payloadType}, {@code bitrateKbps} and {@code speakers} 0 take the defaults.
     */
    public synchronized io.ams.engine.audio.RoomAudioMix.Settings setAudioOutput(String host, int port, int payloadType,
                                                                               int bitrateKbps, int speakers,
                                                                               DestinationGuard guard) {
        ensureOpen();
        if (host == null || host.isBlank()) {
            audioMix.configure(null);
            return null;
        }
        int pt = payloadType == 0 ? io.ams.engine.audio.RoomAudioMix.DEFAULT_PAYLOAD_TYPE : payloadType;
        int kbps = bitrateKbps == 0 ? io.ams.engine.audio.RoomAudioMix.DEFAULT_BITRATE_KBPS : bitrateKbps;
        int n = speakers == 0 ? io.ams.engine.audio.RoomAudioMix.DEFAULT_SPEAKERS : speakers;
        if (port < 1 || port > 65535) {
            throw EngineException.invalid("port " + port + " is out of range: allowed 1..65535");
        }
        if (pt < 96 || pt > 127) {
            throw EngineException.invalid("payload_type " + pt + " is out of range: allowed 96..127");
        }
        if (kbps < 8 || kbps > 256) {
            throw EngineException.invalid("bitrate_kbps " + kbps + " is out of range: allowed 8..256");
        }
        if (n < 1 || n > 8) {
            throw EngineException.invalid("speakers " + n + " is out of range: allowed 1..8");
        }
        InetAddress addr = allowedAddress(host, guard);
        var settings = new io.ams.engine.audio.RoomAudioMix.Settings(new InetSocketAddress(addr, port), pt, kbps, n);
        audioMix.configure(settings);
        return settings;
    }

    /** The room's audio mix (for stats and recordings). */
    public io.ams.engine.audio.RoomAudioMix audioMix() {
        return audioMix;
    }

    public synchronized List<Participant> participantList() {
        return new ArrayList<>(participants.values());
    }

    public synchronized Output addOutput(OutputSpec spec) {
        ensureOpen();
        spec.validate();
        if (outputs.containsKey(spec.id())) {
            throw EngineException.alreadyExists("output", spec.id());
        }
        if (outputs.size() >= MAX_OUTPUTS) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "room '" + id + "' has "
                    + MAX_OUTPUTS + " outputs already");
        }
        Output o = new Output(id, spec, this, clock, backends, this::backendChanged);
        outputs.put(spec.id(), o);
        outputView = List.copyOf(outputs.values());
        if (spec.layout().fit() == io.ams.engine.compose.Fit.CROP) {
            faces(faceDetector == null ? null : faceDetector.get());
        }
        o.start();
        return o;
    }

    /** An output moved to another backend after a fault: the mix goes on there; integrations are told. */
    private void backendChanged(String roomId, String outputId, io.ams.engine.backend.MixBackend now,
            io.ams.engine.backend.BackendFault fault) {
        LOG.warn("room {} output {}: now on the {} backend ({})", roomId, outputId, now.kind(), now.reason());
        events.publish(io.ams.proto.v1.Event.newBuilder().setRoomId(roomId)
                .setBackendChanged(io.ams.proto.v1.BackendChanged.newBuilder().setBackend(now.kind())
                        .setReason("output " + outputId + ": " + now.reason())));
    }

    /** The backend of the room's main output (what GetRoom and GetRoomStats report), and why. */
    public io.ams.proto.v1.Backend backend() {
        Output main = mainOutput();
        return main == null ? io.ams.proto.v1.Backend.CPU : main.backend();
    }

    public String backendReason() {
        Output main = mainOutput();
        return main == null ? "" : main.backendReason();
    }

    private Output mainOutput() {
        for (Output o : outputView) {
            if (OutputSpec.MAIN.equals(o.id())) {
                return o;
            }
        }
        return null;
    }

    public synchronized void removeOutput(String outputId) {
        ensureOpen();
        Output o = outputs.remove(outputId);
        outputView = List.copyOf(outputs.values());
        if (o == null) {
            throw EngineException.notFound("output", outputId);
        }
        recordings.forget(outputId); // a recording's output removed directly: it is stopped
        o.close();
    }

    // ---- recordings ----

    /** Starts a sealed recording of the room in its own output ({@code layout} null: SPEAKER). */
    public synchronized RoomRecordings.Running startRecording(String recordingId, LayoutSpec layout, String startedBy) {
        ensureOpen();
        RoomRecordings.Running r = recordings.start(this, recordingId, layout, startedBy);
        LOG.info("room {}: recording '{}' started{} into {}", id, r.id(), r.startedBy().isEmpty() ? "" : " by " + r.startedBy(),
                r.file());
        return r;
    }

    public synchronized RoomRecordings.Running stopRecording(String recordingId) {
        ensureOpen();
        RoomRecordings.Running r = recordings.stop(this, recordingId);
        LOG.info("room {}: recording '{}' stopped: {} chunks sealed", id, r.id(), r.sink().chunksWritten());
        return r;
    }

    /**
     * A line of the room's chat (RPC AddRecordingText), kept with every recording running now at when it was said;
     * how many kept it (0: none runs).
     */
    public synchronized int addRecordingText(String participantId, String displayName, String text, long atUnixMs) {
        ensureOpen();
        return recordings.addText(this, RoomRecordings.chatLine(participantId, displayName, text, atUnixMs));
    }

    /** The recordings running now. */
    public synchronized List<RoomRecordings.Running> recordings() {
        return recordings.list();
    }

    public synchronized Output output(String outputId) {
        Output o = outputs.get(outputId == null || outputId.isEmpty() ? OutputSpec.MAIN : outputId);
        if (o == null) {
            throw EngineException.notFound("output", outputId);
        }
        return o;
    }

    public synchronized List<Output> outputList() {
        return new ArrayList<>(outputs.values());
    }

    /** Adds an RTP destination host:port on loopback to an output. */
    public synchronized UdpSink addUdpDestination(String outputId, String destinationId, String host, int port,
                                                  long ssrc, int payloadType) {
        return addUdpDestination(outputId, destinationId, host, port, ssrc, payloadType, DestinationGuard.LOOPBACK);
    }

    /** Adds an RTP destination host:port to an output, if {@code guard} allows the resolved address. */
    public synchronized UdpSink addUdpDestination(String outputId, String destinationId, String host, int port,
                                                  long ssrc, int payloadType, DestinationGuard guard) {
        ensureOpen();
        Output o = output(outputId);
        checkDestinationCount(o);
        if (host == null || host.isBlank()) {
            throw EngineException.invalid("host is missing");
        }
        if (port < 1 || port > 65535) {
            throw EngineException.invalid("port " + port + " is out of range: allowed 1..65535");
        }
        if (payloadType < 96 || payloadType > 127) {
            throw EngineException.invalid("payload_type " + payloadType + " is out of range: allowed 96..127");
        }
        InetAddress addr = allowedAddress(host, guard);
        String did = destinationId == null || destinationId.isEmpty() ? host + ":" + port : destinationId;
        Ids.check("destination_id", did);
        long s = ssrc != 0 ? ssrc : (random.nextInt() & 0xffffffffL);
        String senderHost = addr.isLoopbackAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : mediaHost;
        UdpSink sink = new UdpSink(did, new InetSocketAddress(addr, port), s, payloadType, o.sendChannel(), senderHost,
                random);
        o.addSink(sink);
        LOG.info("room {} output {}: RTP destination {} -> {}:{} ssrc {} pt {}", id, o.id(), did, host, port, s,
                payloadType);
        return sink;
    }

    /** {@code host} resolved, if {@code guard} allows it (INVALID_ARGUMENT or PERMISSION_DENIED otherwise). */
    private static InetAddress allowedAddress(String host, DestinationGuard guard) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw EngineException.invalid("host '" + host + "' cannot be resolved");
        }
        guard.check(host, addr);
        return addr;
    }

    /**
     * Adds a recording of an output into {@code recordDir/fileName}: sealed (AES-GCM, see
     * {@link io.ams.engine.atrest.SealedFormat}) for {@code .amsrec}, else a plain playable file.
     */
    public synchronized Sink addFileDestination(String outputId, String destinationId, String fileName) {
        ensureOpen();
        Output o = output(outputId);
        checkDestinationCount(o);
        RecordingNames.check(fileName);
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        VideoCodec codec = o.spec().codec();
        if (lower.endsWith(SEALED_SUFFIX)) {
            return addSealedRecording(o, destinationId, fileName);
        }
        boolean ok = lower.endsWith(".mkv") || (codec == VideoCodec.VP8 && (lower.endsWith(".webm") || lower.endsWith(".ivf")))
                || (codec == VideoCodec.H264 && lower.endsWith(".mp4"));
        if (!ok) {
            throw EngineException.invalid("file_name '" + fileName + "': use .mkv, or .webm/.ivf for VP8, or .mp4 for H.264");
        }
        Path path = recordingPath(fileName);
        try {
            java.nio.file.Files.createDirectories(recordDir);
        } catch (java.io.IOException e) {
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "cannot create the record directory " + recordDir + ": " + e.getMessage());
        }
        String did = destinationId == null || destinationId.isEmpty() ? fileName : destinationId;
        Ids.check("destination_id", did);
        MediaFileWriter writer;
        try {
            writer = MediaFileWriter.open(path, codec, o.spec().width(), o.spec().height(), o.spec().fps());
        } catch (RuntimeException e) {
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "cannot open recording " + path + ": " + e.getMessage(), e);
        }
        String recordedOutput = o.id();
        FileSink sink = new FileSink(did, path, writer, stopped -> events.publish(Event.newBuilder().setRoomId(id)
                .setRecordingStopped(io.ams.proto.v1.RecordingStopped.newBuilder().setOutputId(recordedOutput)
                        .setDestinationId(stopped.id()).setFile(stopped.path().toString())
                        .setReason(stopped.stoppedReason()).setFramesWritten(stopped.framesWritten()))));
        o.addSink(sink);
        LOG.info("room {} output {}: recording to {}", id, o.id(), path);
        return sink;
    }

    /** File names ending so are recorded sealed (encrypted at rest). */
    public static final String SEALED_SUFFIX = ".amsrec";

    /** {@code fileName} inside the record directory; refused if it would leave it. */
    private Path recordingPath(String fileName) {
        Path path = recordDir.resolve(fileName).toAbsolutePath().normalize();
        if (!path.getParent().equals(recordDir.toAbsolutePath().normalize())) {
            throw EngineException.invalid("file_name '" + fileName + "' is invalid: it leaves the record directory");
        }
        return path;
    }

    /** A sealed recording of {@code o} into {@code fileName} (ending {@link #SEALED_SUFFIX}); the caller holds the lock. */
    SealedRecordingSink addSealedRecording(Output o, String destinationId, String fileName) {
        Path path = recordingPath(fileName);
        if (java.nio.file.Files.exists(path)) {
            throw new EngineException(EngineException.Kind.ALREADY_EXISTS, "recording '" + fileName + "' exists already");
        }
        String did = destinationId == null || destinationId.isEmpty() ? fileName : destinationId;
        Ids.check("destination_id", did);
        SealedRecordingSink sink;
        try {
            java.nio.file.Files.createDirectories(recordDir);
            io.ams.engine.atrest.MasterKey key = io.ams.engine.atrest.MasterKey.loadOrCreate(masterKeyFile);
            sink = SealedRecordingSink.create(did, path, key, new RecordingChunks.StreamInfo(o.spec().codec(),
                    o.spec().width(), o.spec().height(), o.spec().fps(), true));
        } catch (java.io.IOException e) {
            throw new EngineException(EngineException.Kind.FAILED_PRECONDITION,
                    "cannot start the sealed recording " + path + ": " + e.getMessage(), e);
        }
        o.addSink(sink);
        SealedRecordingSink recording = sink;
        audioMix.addTap((opus, frameNanos) -> recording.sendAudio(opus, o.rtpTimestampAt(frameNanos)));
        LOG.info("room {} output {}: sealed recording (video and the room's audio mix) to {}", id, o.id(), path);
        return sink;
    }

    /** The master key's file inside the record directory (0600, made on first use) unless the engine names another. */
    public static final String MASTER_KEY_FILE = "master.key";

    private void checkDestinationCount(Output o) {
        if (o.sinks().size() >= MAX_DESTINATIONS) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "output '" + o.id() + "' has "
                    + MAX_DESTINATIONS + " destinations already");
        }
    }

    public synchronized void removeDestination(String outputId, String destinationId) {
        ensureOpen();
        output(outputId).removeSink(destinationId);
    }

    public synchronized void setLayout(String outputId, LayoutSpec layout) {
        ensureOpen();
        try {
            layout.validate();
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("layout: " + e.getMessage());
        }
        output(outputId).setLayout(layout);
        if (layout.fit() == io.ams.engine.compose.Fit.CROP) {
            faces(faceDetector == null ? null : faceDetector.get());
        }
    }

    public synchronized void setMainSpeaker(String participantId) {
        ensureOpen();
        if (!participants.containsKey(participantId)) {
            throw EngineException.notFound("participant", participantId);
        }
        setMainSpeakerInternal(participantId);
    }

    private void setMainSpeakerInternal(String participantId) {
        if (java.util.Objects.equals(mainSpeakerId, participantId)) {
            return;
        }
        mainSpeakerId = participantId;
        if (participantId != null) {
            events.publish(Event.newBuilder().setRoomId(id)
                    .setMainSpeakerChanged(MainSpeakerChanged.newBuilder().setParticipantId(participantId)));
        }
    }

    public synchronized void requestKeyframe(String outputId) {
        ensureOpen();
        if (outputId == null || outputId.isEmpty()) {
            outputs.values().forEach(Output::requestKeyframe);
        } else {
            output(outputId).requestKeyframe();
        }
    }

    private void refreshViews() {
        List<Output.ParticipantView> v = new ArrayList<>(participants.size() + 1);
        if (contentLabel != null) {
            v.add(new Output.ParticipantView(Layouts.CONTENT_ID, contentLabel));
        }
        for (Participant p : participants.values()) {
            v.add(new Output.ParticipantView(p.id(), p.displayName()));
        }
        views = List.copyOf(v);
    }

    private void ensureOpen() {
        if (closed) {
            throw EngineException.notFound("room", id);
        }
    }

    public synchronized Map<String, Participant> participantMap() {
        return new LinkedHashMap<>(participants);
    }

    /** Stops every output (finishing recordings), closes every port and frees every frame. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (faces != null) {
            faces.close(); // before the frames it reads go
        }
        for (Output o : outputs.values()) {
            o.close();
        }
        outputs.clear();
        outputView = List.of();
        recordings.clear();
        for (Participant p : participants.values()) {
            p.ingress().close();
        }
        audioMix.close(); // and the participants' audio sources
        participants.clear();
        views = List.of();
        frames.close();
    }
}
