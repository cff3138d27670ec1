package io.ams.engine.control;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineException;
import io.ams.engine.media.NativeResources;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.room.EventBus;
import io.ams.engine.ingest.SenderPin;
import io.ams.engine.room.Participant;
import io.ams.engine.room.RecordingNames;
import io.ams.engine.stats.BurstLog;
import io.ams.proto.auth.ControlAuthInterceptor;
import io.ams.engine.room.Room;
import io.ams.engine.room.RoomManager;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.DeleteRoomResponse;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.ListRoomsResponse;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.Output;
import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.proto.v1.RemoveDestinationResponse;
import io.ams.proto.v1.RemoveOutputRequest;
import io.ams.proto.v1.RemoveOutputResponse;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RemoveParticipantResponse;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.RequestKeyframeResponse;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetLayoutRequest;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.SetParticipantNetworkRequest;
import io.ams.proto.v1.SetParticipantNetworkResponse;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The ams.v1.Mixer gRPC service: a thin layer that translates requests, delegates to
 * {@link RoomManager} and {@link Room}, and maps {@link EngineException}s to statuses once, here.
 */
public final class MixerService extends MixerGrpc.MixerImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(MixerService.class);
    public static final String VERSION = "0.1.0";

    private final RoomManager rooms;
    private final DestinationPolicy destinations;
    private final ControlAuthInterceptor auth;      // in front of this service on the network server
    private final AtomicLong eventsDropped = new AtomicLong();
    private final AtomicLong fileNamesRefused = new AtomicLong();
    private final BurstLog refusalLog = new BurstLog(LOG, 5000);

    /** Without a network server in front: the allow-list of the rooms' config, no authentication. */
    public MixerService(RoomManager rooms) {
        this(rooms, new DestinationPolicy(rooms.config().security().allowDestinations()), ControlAuthInterceptor.open());
    }

    public MixerService(RoomManager rooms, DestinationPolicy destinations, ControlAuthInterceptor auth) {
        this.rooms = rooms;
        this.destinations = destinations;
        this.auth = auth;
    }

    @Override
    public void createRoom(CreateRoomRequest req, StreamObserver<io.ams.proto.v1.Room> out) {
        unary(out, () -> {
            OutputSpec spec = ProtoMapper.outputSpec(OutputSpec.MAIN, req.getCanvas(), req.getFps(), req.getCodec(),
                    req.getBitrateKbps(), req.getLayout(), req.hasCanvas());
            return ProtoMapper.room(rooms.create(req.getRoomId(), spec));
        });
    }

    @Override
    public void deleteRoom(DeleteRoomRequest req, StreamObserver<DeleteRoomResponse> out) {
        unary(out, () -> {
            rooms.delete(req.getRoomId());
            return DeleteRoomResponse.getDefaultInstance();
        });
    }

    @Override
    public void listRooms(ListRoomsRequest req, StreamObserver<ListRoomsResponse> out) {
        unary(out, () -> {
            ListRoomsResponse.Builder b = ListRoomsResponse.newBuilder();
            for (Room r : rooms.list()) {
                b.addRooms(ProtoMapper.room(r));
            }
            return b.build();
        });
    }

    @Override
    public void getRoom(GetRoomRequest req, StreamObserver<io.ams.proto.v1.Room> out) {
        unary(out, () -> ProtoMapper.room(rooms.get(req.getRoomId())));
    }

    @Override
    public void addParticipant(AddParticipantRequest req, StreamObserver<AddParticipantResponse> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            int pt = req.getPayloadType() == 0 ? 96 : req.getPayloadType();
            long ssrc = req.getSsrc() == 0 ? -1 : Integer.toUnsignedLong(req.getSsrc());
            SenderPin sender = ProtoMapper.senderPin(req.getSenderHost(), req.getSenderPort(),
                    ControlAuthInterceptor.callerAddress());
            Participant p = room.addParticipant(req.getParticipantId(), req.getDisplayName(),
                    ProtoMapper.codec(req.getCodec()), pt, ssrc, sender, req.getAudioPayloadType(),
                    req.getAudioLevelExtId());
            return AddParticipantResponse.newBuilder().setParticipant(ProtoMapper.participant(p))
                    .setRtpHost(p.rtpHost()).setRtpPort(p.rtpPort()).setMixAudioSsrc((int) p.mixAudioSsrc()).build();
        });
    }

    @Override
    public void removeParticipant(RemoveParticipantRequest req, StreamObserver<RemoveParticipantResponse> out) {
        unary(out, () -> {
            rooms.get(req.getRoomId()).removeParticipant(req.getParticipantId());
            return RemoveParticipantResponse.getDefaultInstance();
        });
    }

    @Override
    public void addOutput(AddOutputRequest req, StreamObserver<Output> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            io.ams.proto.v1.OutputSpec s = req.getSpec();
            if (s.getId().isEmpty()) {
                throw EngineException.invalid("spec.id is missing");
            }
            OutputSpec spec = ProtoMapper.outputSpec(s.getId(), s.getCanvas(), s.getFps(), s.getCodec(),
                    s.getBitrateKbps(), s.getLayout(), s.hasCanvas());
            return ProtoMapper.output(room.addOutput(spec));
        });
    }

    @Override
    public void removeOutput(RemoveOutputRequest req, StreamObserver<RemoveOutputResponse> out) {
        unary(out, () -> {
            rooms.get(req.getRoomId()).removeOutput(req.getOutputId());
            return RemoveOutputResponse.getDefaultInstance();
        });
    }

    @Override
    public void addDestination(AddDestinationRequest req, StreamObserver<Destination> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            if (!req.getFileName().isEmpty()) {
                if (!req.getHost().isEmpty() || req.getPort() != 0) {
                    throw EngineException.invalid("give either file_name or host:port, not both");
                }
                checkFileName(req.getFileName());
                return room.addFileDestination(req.getOutputId(), req.getDestinationId(), req.getFileName())
                        .describe();
            }
            int pt = req.getPayloadType() == 0 ? 96 : req.getPayloadType();
            return room.addUdpDestination(req.getOutputId(), req.getDestinationId(), req.getHost(), req.getPort(),
                    Integer.toUnsignedLong(req.getSsrc()), pt,
                    destinations.forCaller(ControlAuthInterceptor.callerAddress())).describe();
        });
    }

    /** Recording names stay plain file names; a refusal is counted and logged. */
    private void checkFileName(String name) {
        try {
            RecordingNames.check(name);
        } catch (EngineException e) {
            fileNamesRefused.incrementAndGet();
            refusalLog.warn("AddDestination refused (INVALID_ARGUMENT, {} so far): {}", fileNamesRefused.get(),
                    e.getMessage());
            throw e;
        }
    }

    @Override
    public void removeDestination(RemoveDestinationRequest req, StreamObserver<RemoveDestinationResponse> out) {
        unary(out, () -> {
            rooms.get(req.getRoomId()).removeDestination(req.getOutputId(), req.getDestinationId());
            return RemoveDestinationResponse.getDefaultInstance();
        });
    }

    @Override
    public void setLayout(SetLayoutRequest req, StreamObserver<Output> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            room.setLayout(req.getOutputId(), ProtoMapper.layout(req.getLayout()));
            return ProtoMapper.output(room.output(req.getOutputId()));
        });
    }

    @Override
    public void setMainSpeaker(SetMainSpeakerRequest req, StreamObserver<io.ams.proto.v1.Room> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            room.setMainSpeaker(req.getParticipantId());
            return ProtoMapper.room(room);
        });
    }

    @Override
    public void setContent(io.ams.proto.v1.SetContentRequest req, StreamObserver<io.ams.proto.v1.Room> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            if (req.getLabel().length() > 64) {
                throw io.ams.engine.EngineException.invalid("label is longer than 64 characters");
            }
            room.setContent(req.getImage().isEmpty() ? null
                    : io.ams.engine.compose.StillPicture.decode(req.getImage().toByteArray()), req.getLabel());
            return ProtoMapper.room(room);
        });
    }

    @Override
    public void setParticipantNetwork(SetParticipantNetworkRequest req, StreamObserver<SetParticipantNetworkResponse> out) {
        unary(out, () -> {
            int rtt = rooms.get(req.getRoomId()).setParticipantRtt(req.getParticipantId(), req.getRttMs());
            return SetParticipantNetworkResponse.newBuilder().setRttMs(rtt)
                    .setReorderWaitMs(io.ams.rtp.RepairWait.waitMillis(rtt)).build();
        });
    }

    @Override
    public void setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest req,
                                    StreamObserver<io.ams.proto.v1.Participant> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            room.setParticipantVideoMuted(req.getParticipantId(), req.getVideoMuted());
            Participant p = room.participantMap().get(req.getParticipantId());
            return ProtoMapper.participant(p).toBuilder().setVideoMuted(room.participantVideoMuted(p.id())).build();
        });
    }

    @Override
    public void setAudioOutput(io.ams.proto.v1.SetAudioOutputRequest req, StreamObserver<io.ams.proto.v1.AudioOutput> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            var s = room.setAudioOutput(req.getHost(), req.getPort(), req.getPayloadType(), req.getBitrateKbps(),
                    req.getSpeakers(), destinations.forCaller(ControlAuthInterceptor.callerAddress()));
            return ProtoMapper.audioOutput(room.id(), s);
        });
    }

    @Override
    public void requestKeyframe(RequestKeyframeRequest req, StreamObserver<RequestKeyframeResponse> out) {
        unary(out, () -> {
            rooms.get(req.getRoomId()).requestKeyframe(req.getOutputId());
            return RequestKeyframeResponse.getDefaultInstance();
        });
    }

    @Override
    public void getStats(GetStatsRequest req, StreamObserver<RoomStats> out) {
        unary(out, () -> ProtoMapper.stats(rooms.get(req.getRoomId())));
    }

    @Override
    public void getEngineInfo(GetEngineInfoRequest req, StreamObserver<EngineInfo> out) {
        unary(out, this::info);
    }

    /** Where this engine sits in a cluster (issue 11): its Redis, its id, its capacity; shown by GetEngineInfo. */
    public record ClusterInfo(String cluster, String engineId, double capacity) {
    }

    private volatile ClusterInfo clusterInfo = new ClusterInfo("", "", 0);

    public void setClusterInfo(ClusterInfo info) {
        this.clusterInfo = info;
    }

    @Override
    public void drain(io.ams.proto.v1.DrainRequest req, StreamObserver<io.ams.proto.v1.DrainResponse> out) {
        unary(out, () -> {
            io.ams.engine.room.EngineDrain.Result r = rooms.drain().start(req.getForce(), "ams ctl drain"
                    + (req.getForce() ? " --force" : ""));
            return io.ams.proto.v1.DrainResponse.newBuilder().setDraining(r.draining()).setRoomsLeft(r.roomsLeft())
                    .setGraceMs(r.graceMs()).setNote(r.note()).build();
        });
    }

    /** What GetEngineInfo answers (also read by the metrics). */
    public EngineInfo info() {
        ClusterInfo c = clusterInfo;
        return EngineInfo.newBuilder()
                .setDraining(rooms.drain().draining())
                .setCapacity(c.capacity())
                .setLoad(io.ams.engine.EngineLoad.of(rooms.list()))
                .setCluster(c.cluster())
                .setEngineId(c.engineId())
                .setVersion(VERSION)
                .setBackend(rooms.backend())
                .setBackendReason(rooms.backendReason())
                .setBackendFallbacks(rooms.backends().fallbacks())
                .setGpuBackoffMs(rooms.backends().backoffRemainingMillis())
                .setFfmpegVersion(avutil.av_version_info().getString())
                .setRooms(rooms.size())
                .setMediaHost(rooms.config().mediaHost())
                .setMediaPortMin(rooms.config().mediaPortMin())
                .setMediaPortMax(rooms.config().mediaPortMax())
                .setNativeFramesOutstanding(NativeResources.outstandingFrames())
                .setNativePacketsOutstanding(NativeResources.outstandingPackets())
                .setCallsUnauthenticated(auth.refused())
                .setDestinationsDenied(destinations.denied())
                .setFileNamesRefused(fileNamesRefused.get())
                .setControlAuthenticated(auth.authenticating())
                .addAllAllowedDestinations(destinations.allowed().stream().map(Cidr::toString).toList())
                .build();
    }

    @Override
    public void streamEvents(StreamEventsRequest req, StreamObserver<Event> out) {
        if (!req.getRoomId().isEmpty()) {
            try {
                rooms.get(req.getRoomId());
            } catch (EngineException e) {
                out.onError(toStatus(e).asRuntimeException());
                return;
            }
        }
        ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>) out;
        Object lock = new Object();
        EventBus.Subscription[] sub = new EventBus.Subscription[1];
        sub[0] = rooms.events().subscribe(req.getRoomId(), e -> {
            synchronized (lock) {
                if (call.isCancelled()) {
                    rooms.events().unsubscribe(sub[0]);
                } else if (call.isReady()) {
                    call.onNext(e);
                } else {
                    // a slow client never holds up the media path: drop and count
                    eventsDropped.incrementAndGet();
                }
            }
        });
        call.setOnCancelHandler(() -> rooms.events().unsubscribe(sub[0]));
    }

    public long eventsDropped() {
        return eventsDropped.get();
    }

    @Override
    public void startRecording(io.ams.proto.v1.StartRecordingRequest req, StreamObserver<io.ams.proto.v1.Recording> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            var layout = req.hasLayout() ? ProtoMapper.layout(req.getLayout()) : null;
            return ProtoMapper.recording(room.id(), room.startRecording(req.getRecordingId(), layout, req.getStartedBy()), true);
        });
    }

    @Override
    public void stopRecording(io.ams.proto.v1.StopRecordingRequest req, StreamObserver<io.ams.proto.v1.Recording> out) {
        unary(out, () -> {
            Room room = rooms.get(req.getRoomId());
            return ProtoMapper.recording(room.id(), room.stopRecording(req.getRecordingId()), false);
        });
    }

    @Override
    public void addRecordingText(io.ams.proto.v1.AddRecordingTextRequest req,
                                 StreamObserver<io.ams.proto.v1.AddRecordingTextResponse> out) {
        unary(out, () -> io.ams.proto.v1.AddRecordingTextResponse.newBuilder().setRecordings(rooms.get(req.getRoomId())
                .addRecordingText(req.getParticipantId(), req.getDisplayName(), req.getText(), req.getAtUnixMs())).build());
    }

    @Override
    public void listRecordings(io.ams.proto.v1.ListRecordingsRequest req,
                               StreamObserver<io.ams.proto.v1.ListRecordingsResponse> out) {
        unary(out, () -> ProtoMapper.recordings(rooms, req.getRoomId()));
    }

    private static <T> void unary(StreamObserver<T> out, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (EngineException e) {
            out.onError(toStatus(e).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.error("unexpected error in a control call", e);
            out.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        out.onNext(result);
        out.onCompleted();
    }

    static Status toStatus(EngineException e) {
        Status s = switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case INTERNAL -> Status.INTERNAL;
        };
        return s.withDescription(e.getMessage());
    }
}
