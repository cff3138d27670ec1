package io.ams.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.OutputSpec;
import io.ams.proto.v1.Region;
import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.SetLayoutRequest;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** The control API through gRPC's in-process transport: happy paths and every error status. */
class MixerServiceTest {
    EngineHarness h;
    MixerGrpc.MixerBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        h = new EngineHarness();
        api = h.stub();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static CreateRoomRequest room(String id, int w, int hgt) {
        return CreateRoomRequest.newBuilder().setRoomId(id).setCanvas(Canvas.newBuilder().setWidth(w).setHeight(hgt))
                .setFps(15).setCodec(Codec.VP8).setBitrateKbps(300).build();
    }

    @Test
    void createsListsGetsAndDeletesRooms() {
        Room r = api.createRoom(room("r1", 320, 180));
        assertThat(r.getId()).isEqualTo("r1");
        assertThat(r.getOutputs(0).getSpec().getCanvas().getWidth()).isEqualTo(320);
        assertThat(r.getOutputs(0).getSpec().getId()).isEqualTo("main");
        api.createRoom(CreateRoomRequest.newBuilder().setRoomId("defaults").build());
        Room d = api.getRoom(GetRoomRequest.newBuilder().setRoomId("defaults").build());
        assertThat(d.getOutputs(0).getSpec().getCanvas().getWidth()).isEqualTo(1280);
        assertThat(d.getOutputs(0).getSpec().getFps()).isEqualTo(30);
        assertThat(d.getOutputs(0).getSpec().getLayout().getKind()).isEqualTo(LayoutKind.GRID);
        assertThat(api.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList())
                .extracting(Room::getId).containsExactly("defaults", "r1");
        api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(api.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsCount()).isEqualTo(1);
    }

    @Test
    void unknownRoomIsNotFoundWithItsName() {
        assertStatus(() -> api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build()),
                Status.Code.NOT_FOUND, "room 'r1' does not exist");
        assertStatus(() -> api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("nope").build()),
                Status.Code.NOT_FOUND, "room 'nope' does not exist");
        assertStatus(() -> api.getStats(GetStatsRequest.newBuilder().setRoomId("x").build()),
                Status.Code.NOT_FOUND, "room 'x' does not exist");
    }

    @Test
    void badCanvasIsInvalidArgumentNamingTheFieldAndRange() {
        assertStatus(() -> api.createRoom(room("r1", 0, 0)), Status.Code.INVALID_ARGUMENT,
                "canvas.width 0 is out of range: allowed 16..7680");
        assertStatus(() -> api.createRoom(room("r1", 100000, 720)), Status.Code.INVALID_ARGUMENT,
                "canvas.width 100000 is out of range");
        assertStatus(() -> api.createRoom(room("r1", 1280, 100000)), Status.Code.INVALID_ARGUMENT,
                "canvas.height 100000 is out of range: allowed 16..4320");
        assertStatus(() -> api.createRoom(room("r1", 641, 360)), Status.Code.INVALID_ARGUMENT, "even");
        assertStatus(() -> api.createRoom(room("r1", 640, 360).toBuilder().setFps(500).build()),
                Status.Code.INVALID_ARGUMENT, "fps 500 is out of range: allowed 1..60");
        assertStatus(() -> api.createRoom(room("bad id!", 640, 360)), Status.Code.INVALID_ARGUMENT, "room_id");
        assertStatus(() -> api.createRoom(room("r1", 640, 360).toBuilder().setLayout(Layout.newBuilder()
                .setKind(LayoutKind.CUSTOM).addRegions(Region.newBuilder().setX(0.5).setY(0).setWidth(0.9)
                        .setHeight(0.5))).build()), Status.Code.INVALID_ARGUMENT, "layout");
        assertThat(api.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsCount()).isZero();
    }

    @Test
    void duplicatesAreAlreadyExists() {
        api.createRoom(room("r1", 320, 180));
        assertStatus(() -> api.createRoom(room("r1", 320, 180)), Status.Code.ALREADY_EXISTS,
                "room 'r1' already exists");
        addParticipant("r1", "p1");
        assertStatus(() -> addParticipant("r1", "p1"), Status.Code.ALREADY_EXISTS, "participant 'p1' already exists");
    }

    @Test
    void participantsGetAPortAndCanBeRemoved() {
        api.createRoom(room("r1", 320, 180));
        AddParticipantResponse a = addParticipant("r1", "p1");
        AddParticipantResponse b = addParticipant("r1", "p2");
        assertThat(a.getRtpHost()).isEqualTo("127.0.0.1");
        assertThat(a.getRtpPort()).isPositive().isNotEqualTo(b.getRtpPort());
        assertThat(a.getParticipant().getDisplayName()).isEqualTo("P1 name");
        Room r = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(r.getParticipantsList()).extracting(io.ams.proto.v1.Participant::getId).containsExactly("p1", "p2");
        assertThat(r.getMainSpeakerId()).isEqualTo("p1");
        api.removeParticipant(RemoveParticipantRequest.newBuilder().setRoomId("r1").setParticipantId("p1").build());
        r = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(r.getParticipantsList()).extracting(io.ams.proto.v1.Participant::getId).containsExactly("p2");
        assertThat(r.getMainSpeakerId()).isEqualTo("p2");
        assertStatus(() -> api.removeParticipant(RemoveParticipantRequest.newBuilder().setRoomId("r1")
                .setParticipantId("p1").build()), Status.Code.NOT_FOUND, "participant 'p1' does not exist");
        assertStatus(() -> api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                .setParticipantId("p9").setPayloadType(200).build()), Status.Code.INVALID_ARGUMENT,
                "payload_type 200 is out of range: allowed 96..127");
    }

    @Test
    void cameraOffIsKeptPerParticipantAndShownInTheRoom() {
        api.createRoom(room("r1", 320, 180));
        addParticipant("r1", "p1");
        addParticipant("r1", "p2");
        io.ams.proto.v1.Participant off = api.setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest.newBuilder()
                .setRoomId("r1").setParticipantId("p1").setVideoMuted(true).build());
        assertThat(off.getId()).isEqualTo("p1");
        assertThat(off.getVideoMuted()).isTrue();
        Room r = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(r.getParticipantsList()).extracting(io.ams.proto.v1.Participant::getVideoMuted).containsExactly(true, false);
        io.ams.proto.v1.Participant on = api.setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest.newBuilder()
                .setRoomId("r1").setParticipantId("p1").setVideoMuted(false).build());
        assertThat(on.getVideoMuted()).isFalse();
        assertStatus(() -> api.setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest.newBuilder()
                .setRoomId("r1").setParticipantId("nobody").setVideoMuted(true).build()), Status.Code.NOT_FOUND,
                "participant 'nobody' does not exist");
    }

    @Test
    void participantNetworkSetsTheReorderWaitClampsAbsurdRttsAndShowsInStats() {
        api.createRoom(room("r1", 320, 180));
        addParticipant("r1", "p1");
        io.ams.proto.v1.SetParticipantNetworkResponse ok = api.setParticipantNetwork(
                io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder().setRoomId("r1").setParticipantId("p1")
                        .setRttMs(120).build());
        assertThat(ok.getRttMs()).isEqualTo(120);
        assertThat(ok.getReorderWaitMs()).isEqualTo(200);
        io.ams.proto.v1.SetParticipantNetworkResponse neg = api.setParticipantNetwork(
                io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder().setRoomId("r1").setParticipantId("p1")
                        .setRttMs(-40).build());
        assertThat(neg.getRttMs()).isZero();
        assertThat(neg.getReorderWaitMs()).isEqualTo(40);
        io.ams.proto.v1.SetParticipantNetworkResponse hours = api.setParticipantNetwork(
                io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder().setRoomId("r1").setParticipantId("p1")
                        .setRttMs(7_200_000).build());
        assertThat(hours.getRttMs()).isEqualTo(5000);
        assertThat(hours.getReorderWaitMs()).isEqualTo(400);
        io.ams.proto.v1.ParticipantStats s = api.getStats(io.ams.proto.v1.GetStatsRequest.newBuilder().setRoomId("r1")
                .build()).getParticipants(0);
        assertThat(s.getRttMs()).isEqualTo(5000);
        assertThat(s.getReorderWaitMs()).isEqualTo(400);
        assertThat(s.getRttHintsClamped()).isEqualTo(2);
        assertStatus(() -> api.setParticipantNetwork(io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder()
                .setRoomId("r1").setParticipantId("nobody").setRttMs(50).build()), Status.Code.NOT_FOUND,
                "participant 'nobody' does not exist");
        assertStatus(() -> api.setParticipantNetwork(io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder()
                .setRoomId("r9").setParticipantId("p1").setRttMs(50).build()), Status.Code.NOT_FOUND, "r9");
    }

    @Test
    void outputsDestinationsLayoutSpeakerAndKeyframes() {
        api.createRoom(room("r1", 320, 180));
        addParticipant("r1", "p1");
        api.addOutput(AddOutputRequest.newBuilder().setRoomId("r1").setSpec(OutputSpec.newBuilder().setId("rec")
                .setCanvas(Canvas.newBuilder().setWidth(640).setHeight(360)).setFps(10)
                .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER))).build());
        api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1").setPort(9)
                .setDestinationId("d1").build());
        assertStatus(() -> api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1")
                .setPort(70000).build()), Status.Code.INVALID_ARGUMENT, "port 70000 is out of range");
        assertStatus(() -> api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1")
                .setFileName("../etc/passwd").build()), Status.Code.INVALID_ARGUMENT, "file_name");
        assertStatus(() -> api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setOutputId("nope")
                .setHost("127.0.0.1").setPort(9).build()), Status.Code.NOT_FOUND, "output 'nope' does not exist");
        Room r = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(r.getOutputsList()).hasSize(2);
        assertThat(r.getOutputs(0).getDestinations(0).getId()).isEqualTo("d1");
        assertThat(r.getOutputs(1).getSpec().getLayout().getKind()).isEqualTo(LayoutKind.SPEAKER);
        api.setLayout(SetLayoutRequest.newBuilder().setRoomId("r1").setOutputId("main")
                .setLayout(Layout.newBuilder().setKind(LayoutKind.FILMSTRIP)).build());
        api.requestKeyframe(RequestKeyframeRequest.newBuilder().setRoomId("r1").build());
        api.removeDestination(RemoveDestinationRequest.newBuilder().setRoomId("r1").setOutputId("main")
                .setDestinationId("d1").build());
        assertStatus(() -> api.setMainSpeaker(SetMainSpeakerRequest.newBuilder().setRoomId("r1")
                .setParticipantId("ghost").build()), Status.Code.NOT_FOUND, "participant 'ghost' does not exist");
        r = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build());
        assertThat(r.getOutputs(0).getSpec().getLayout().getKind()).isEqualTo(LayoutKind.FILMSTRIP);
        assertThat(r.getOutputs(0).getDestinationsList()).isEmpty();
    }

    @Test
    void eventsStreamRoomAndParticipantChanges() throws Exception {
        List<Event> got = new CopyOnWriteArrayList<>();
        h.asyncStub().streamEvents(StreamEventsRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(Event e) {
                got.add(e);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        api.createRoom(room("r1", 320, 180));
        addParticipant("r1", "p1");
        addParticipant("r1", "p2");
        api.setMainSpeaker(SetMainSpeakerRequest.newBuilder().setRoomId("r1").setParticipantId("p2").build());
        api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("r1").build());
        long end = System.currentTimeMillis() + 5000;
        while (got.size() < 5 && System.currentTimeMillis() < end) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(got).extracting(Event::getKindCase).containsSubsequence(Event.KindCase.ROOM_CREATED,
                Event.KindCase.PARTICIPANT_ADDED, Event.KindCase.PARTICIPANT_ADDED,
                Event.KindCase.MAIN_SPEAKER_CHANGED, Event.KindCase.ROOM_DELETED);
        assertThat(got.get(0).getRoomId()).isEqualTo("r1");
    }

    @Test
    void engineInfoSaysWhichBackendAndWhy() {
        var info = api.getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
        assertThat(info.getBackend()).isEqualTo(io.ams.proto.v1.Backend.CPU);
        assertThat(info.getBackendReason()).isNotEmpty();
        assertThat(info.getFfmpegVersion()).startsWith("8.");
    }

    AddParticipantResponse addParticipant(String room, String id) {
        return api.addParticipant(AddParticipantRequest.newBuilder().setRoomId(room).setParticipantId(id)
                .setDisplayName(id.toUpperCase() + " name").build());
    }

    static void assertStatus(Runnable call, Status.Code code, String descriptionPart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(descriptionPart);
        });
    }
}
