package io.ams.app.ctl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.Message;

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
import io.ams.proto.v1.Room;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetLayoutRequest;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * A stand-in Mixer service that isolates the CLI from the engine: it records every request and
 * answers with canned responses ({@link #respond}), a canned error ({@link #failWith}), or, for
 * StreamEvents, the canned {@link #events} followed by the end of the stream.
 */
final class FakeMixer extends MixerGrpc.MixerImplBase {
    final List<Message> requests = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<Class<?>, Message> responses = new ConcurrentHashMap<>();
    private volatile Status failure;

    void respond(Message response) {
        responses.put(response.getClass(), response);
    }

    void failWith(Status status) {
        failure = status;
    }

    Message lastRequest() {
        return requests.get(requests.size() - 1);
    }

    private <T extends Message> void reply(Message request, T fallback, StreamObserver<T> observer) {
        requests.add(request);
        Status f = failure;
        if (f != null) {
            observer.onError(f.asRuntimeException());
            return;
        }
        @SuppressWarnings("unchecked")
        T response = (T) responses.getOrDefault(fallback.getClass(), fallback);
        observer.onNext(response);
        observer.onCompleted();
    }

    @Override
    public void createRoom(CreateRoomRequest request, StreamObserver<Room> observer) {
        reply(request, Room.getDefaultInstance(), observer);
    }

    @Override
    public void deleteRoom(DeleteRoomRequest request, StreamObserver<DeleteRoomResponse> observer) {
        reply(request, DeleteRoomResponse.getDefaultInstance(), observer);
    }

    @Override
    public void listRooms(ListRoomsRequest request, StreamObserver<ListRoomsResponse> observer) {
        reply(request, ListRoomsResponse.getDefaultInstance(), observer);
    }

    @Override
    public void getRoom(GetRoomRequest request, StreamObserver<Room> observer) {
        reply(request, Room.getDefaultInstance(), observer);
    }

    @Override
    public void addParticipant(AddParticipantRequest request, StreamObserver<AddParticipantResponse> observer) {
        reply(request, AddParticipantResponse.getDefaultInstance(), observer);
    }

    @Override
    public void removeParticipant(RemoveParticipantRequest request,
                                  StreamObserver<RemoveParticipantResponse> observer) {
        reply(request, RemoveParticipantResponse.getDefaultInstance(), observer);
    }

    @Override
    public void addOutput(AddOutputRequest request, StreamObserver<Output> observer) {
        reply(request, Output.getDefaultInstance(), observer);
    }

    @Override
    public void removeOutput(RemoveOutputRequest request, StreamObserver<RemoveOutputResponse> observer) {
        reply(request, RemoveOutputResponse.getDefaultInstance(), observer);
    }

    @Override
    public void addDestination(AddDestinationRequest request, StreamObserver<Destination> observer) {
        reply(request, Destination.getDefaultInstance(), observer);
    }

    @Override
    public void removeDestination(RemoveDestinationRequest request,
                                  StreamObserver<RemoveDestinationResponse> observer) {
        reply(request, RemoveDestinationResponse.getDefaultInstance(), observer);
    }

    @Override
    public void setLayout(SetLayoutRequest request, StreamObserver<Output> observer) {
        reply(request, Output.getDefaultInstance(), observer);
    }

    @Override
    public void setMainSpeaker(SetMainSpeakerRequest request, StreamObserver<Room> observer) {
        reply(request, Room.getDefaultInstance(), observer);
    }

    @Override
    public void setContent(io.ams.proto.v1.SetContentRequest request, StreamObserver<Room> observer) {
        reply(request, Room.getDefaultInstance(), observer);
    }

    @Override
    public void setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest request,
                                    StreamObserver<io.ams.proto.v1.Participant> observer) {
        reply(request, io.ams.proto.v1.Participant.newBuilder().setId(request.getParticipantId())
                .setVideoMuted(request.getVideoMuted()).build(), observer);
    }

    @Override
    public void setParticipantNetwork(io.ams.proto.v1.SetParticipantNetworkRequest request,
                                      StreamObserver<io.ams.proto.v1.SetParticipantNetworkResponse> observer) {
        reply(request, io.ams.proto.v1.SetParticipantNetworkResponse.getDefaultInstance(), observer);
    }

    @Override
    public void setAudioOutput(io.ams.proto.v1.SetAudioOutputRequest request,
                               StreamObserver<io.ams.proto.v1.AudioOutput> observer) {
        reply(request, io.ams.proto.v1.AudioOutput.newBuilder().setRoomId(request.getRoomId())
                .setActive(!request.getHost().isEmpty()).build(), observer);
    }

    @Override
    public void requestKeyframe(RequestKeyframeRequest request, StreamObserver<RequestKeyframeResponse> observer) {
        reply(request, RequestKeyframeResponse.getDefaultInstance(), observer);
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<RoomStats> observer) {
        reply(request, RoomStats.getDefaultInstance(), observer);
    }

    @Override
    public void startRecording(io.ams.proto.v1.StartRecordingRequest request, StreamObserver<io.ams.proto.v1.Recording> observer) {
        reply(request, io.ams.proto.v1.Recording.newBuilder().setId("rec").setFile("r1-rec.amsrec").setRunning(true).build(),
                observer);
    }

    @Override
    public void stopRecording(io.ams.proto.v1.StopRecordingRequest request, StreamObserver<io.ams.proto.v1.Recording> observer) {
        reply(request, io.ams.proto.v1.Recording.newBuilder().setId("rec").setFile("r1-rec.amsrec").build(), observer);
    }

    @Override
    public void addRecordingText(io.ams.proto.v1.AddRecordingTextRequest request,
                                 StreamObserver<io.ams.proto.v1.AddRecordingTextResponse> observer) {
        reply(request, io.ams.proto.v1.AddRecordingTextResponse.newBuilder().setRecordings(1).build(), observer);
    }

    @Override
    public void listRecordings(io.ams.proto.v1.ListRecordingsRequest request,
                               StreamObserver<io.ams.proto.v1.ListRecordingsResponse> observer) {
        reply(request, io.ams.proto.v1.ListRecordingsResponse.getDefaultInstance(), observer);
    }

    @Override
    public void getEngineInfo(GetEngineInfoRequest request, StreamObserver<EngineInfo> observer) {
        reply(request, EngineInfo.getDefaultInstance(), observer);
    }

    @Override
    public void drain(io.ams.proto.v1.DrainRequest request, StreamObserver<io.ams.proto.v1.DrainResponse> observer) {
        reply(request, io.ams.proto.v1.DrainResponse.newBuilder().setDraining(true).setRoomsLeft(2).setGraceMs(120_000)
                .setNote("2 room(s) left; the cluster's sidecars move them").build(), observer);
    }

    @Override
    public void streamEvents(StreamEventsRequest request, StreamObserver<Event> observer) {
        requests.add(request);
        Status f = failure;
        if (f != null) {
            observer.onError(f.asRuntimeException());
            return;
        }
        events.forEach(observer::onNext);
        observer.onCompleted();
    }
}
