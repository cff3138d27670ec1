package io.ams.app.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import io.ams.app.Cli;
import io.ams.app.Cli.Result;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Backend;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.Fit;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.KeyframeNeeded;
import io.ams.proto.v1.LatencyHistogram;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.ListRoomsResponse;
import io.ams.proto.v1.Output;
import io.ams.proto.v1.OutputSpec;
import io.ams.proto.v1.OutputStats;
import io.ams.proto.v1.Participant;
import io.ams.proto.v1.ParticipantAdded;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.Region;
import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.proto.v1.RemoveOutputRequest;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.RoomCreated;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetLayoutRequest;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

/** {@code ams ctl} against a real gRPC server on an ephemeral port, serving {@link FakeMixer}. */
class CtlCommandTest {
    private FakeMixer fake;
    private Server server;
    private String target;

    @BeforeEach
    void startServer() throws IOException {
        fake = new FakeMixer();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(fake).build().start();
        target = "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.shutdownNow().awaitTermination();
    }

    private Result ctl(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "ctl";
        full[1] = "--target";
        full[2] = target;
        System.arraycopy(args, 0, full, 3, args.length);
        return Cli.run(full);
    }

    @Test
    void roomCreateSendsTheFlagsAndLeavesTheRestToTheEngine() {
        fake.respond(sampleRoom());
        Result r = ctl("room", "create", "r1", "--size", "640x360", "--layout", "speaker");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.requests).containsExactly(CreateRoomRequest.newBuilder()
                .setRoomId("r1")
                .setCanvas(Canvas.newBuilder().setWidth(640).setHeight(360))
                .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER))
                .build());
        assertThat(r.out()).isEqualTo("room r1 created: 640x360@30 vp8 1500 kbps, layout speaker (fit letterbox)\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void targetAndJsonMayFollowTheSubcommand() {
        fake.respond(sampleRoom());
        Result r = Cli.run("ctl", "room", "get", "r1", "--json", "--target", target);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"id\":\"r1\"");
    }

    @Test
    void jsonRoomListIsOneParseableObjectWithTheFields() throws Exception {
        ListRoomsResponse rooms = ListRoomsResponse.newBuilder().addRooms(sampleRoom())
                .addRooms(Room.newBuilder().setId("empty")).build();
        fake.respond(rooms);
        Result r = ctl("--json", "room", "list");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(1);
        ListRoomsResponse.Builder parsed = ListRoomsResponse.newBuilder();
        JsonFormat.parser().merge(lines.get(0), parsed);
        assertThat(parsed.build()).isEqualTo(rooms);
        assertThat(lines.get(0)).contains("\"id\":\"r1\"", "\"participants\":[", "\"outputs\":[",
                "\"canvas\":{\"width\":640,\"height\":360}", "\"mainSpeakerId\":\"alice\"",
                // fields at their default value are printed too, for scripts
                "\"id\":\"empty\"", "\"participants\":[]");
    }

    @Test
    void humanRoomListIsATable() {
        fake.respond(ListRoomsResponse.newBuilder().addRooms(sampleRoom()).build());
        Result r = ctl("rooms", "list");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).split("\\s+"))
                .containsExactly("ID", "CANVAS", "FPS", "CODEC", "LAYOUT", "PARTICIPANTS", "OUTPUTS");
        assertThat(lines.get(1).split("\\s+")).containsExactly("r1", "640x360", "30", "vp8", "speaker", "2", "1");
        assertThat(lines.get(1).indexOf("640x360")).isEqualTo(lines.get(0).indexOf("CANVAS"));

        fake.respond(ListRoomsResponse.getDefaultInstance());
        assertThat(ctl("room", "list").out()).isEqualTo("no rooms\n");
    }

    @Test
    void roomGetShowsParticipantsOutputsAndDestinations() {
        fake.respond(sampleRoom());
        Result r = ctl("room", "get", "r1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("room r1", "backend cpu", "main speaker alice",
                "alice", "Alice", "127.0.0.1:40000", "bob", "127.0.0.1:40002",
                "main  640x360@30 vp8 1500 kbps, layout speaker", "-> 127.0.0.1:5004");
    }

    @Test
    void grpcErrorsAreOneLineOnStderrWithExitCode1() {
        fake.failWith(Status.NOT_FOUND.withDescription("room 'x' does not exist"));
        Result r = ctl("room", "get", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: NOT_FOUND: room 'x' does not exist\n");
        assertThat(r.out()).isEmpty();

        fake.failWith(Status.INVALID_ARGUMENT.withDescription("canvas width 0 is out of range: allowed 16..7680, even"));
        Result invalid = ctl("--json", "room", "create", "r2");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).isEqualTo(
                "error: INVALID_ARGUMENT: canvas width 0 is out of range: allowed 16..7680, even\n");
        assertThat(invalid.out()).isEmpty();
    }

    @Test
    void anUnreachableTargetSaysSo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Result r = Cli.run("ctl", "--target", "127.0.0.1:" + closedPort, "info");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: cannot reach the engine at 127.0.0.1:" + closedPort
                + " (is 'ams engine' running?)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void participantAddPrintsWhereToSendRtp() {
        fake.respond(AddParticipantResponse.newBuilder()
                .setParticipant(Participant.newBuilder().setId("p1").setCodec(Codec.H264).setPayloadType(100))
                .setRtpHost("10.0.0.5").setRtpPort(40004).build());
        Result r = ctl("participant", "add", "r1", "p1", "--codec", "h264", "--pt", "100", "--name", "Pat",
                "--ssrc", "0xdeadbeef");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.lastRequest()).isEqualTo(AddParticipantRequest.newBuilder().setRoomId("r1")
                .setParticipantId("p1").setDisplayName("Pat").setCodec(Codec.H264).setPayloadType(100)
                .setSsrc(0xdeadbeef).build());
        assertThat(r.out()).isEqualTo("participant p1 added to room r1: send RTP (h264, pt 100) to 10.0.0.5:40004\n");
    }

    @Test
    void customLayoutCarriesItsRegions() {
        fake.respond(Output.newBuilder().setSpec(OutputSpec.newBuilder().setId("main")
                .setLayout(Layout.newBuilder().setKind(LayoutKind.CUSTOM).setFit(Fit.CROP))).build());
        Result r = ctl("layout", "r1", "custom", "--region", "0,0,0.5,1,alice", "--region", "0.5,0,0.5,1",
                "--fit", "crop", "--no-highlight", "--background", "ff0000");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.lastRequest()).isEqualTo(SetLayoutRequest.newBuilder().setRoomId("r1").setOutputId("main")
                .setLayout(Layout.newBuilder().setKind(LayoutKind.CUSTOM)
                        .addRegions(Region.newBuilder().setWidth(0.5).setHeight(1).setParticipantId("alice"))
                        .addRegions(Region.newBuilder().setX(0.5).setWidth(0.5).setHeight(1))
                        .setFit(Fit.CROP).setHighlightSpeaker(false).setBackgroundRgb(0xff0000))
                .build());
        assertThat(r.out()).startsWith("layout of r1/main: custom (fit crop");
    }

    @Test
    void statsPrintOneLinePerParticipantAndOutput() {
        fake.respond(RoomStats.newBuilder().setRoomId("r1").setUptimeMs(12_345).setBackend(Backend.CPU)
                .setBackendReason("CPU backend after a GPU fault: cuLaunchKernel failed")
                .addParticipants(ParticipantStats.newBuilder().setParticipantId("alice").setPackets(1200)
                        .setBytes(1_500_000).setPacketsLost(3).setPacketsRejected(1).setFramesDecoded(300)
                        .setFramesDropped(2).setDecodeErrors(1).setWidth(640).setHeight(360).setLastFrameAgeMs(33)
                        .setRttMs(120).setReorderWaitMs(200).setPacketsReordered(7).setPacketsLate(1)
                        .setFramesDecodedAcrossLoss(40).setFramesDroppedIncomplete(1).setFramesDroppedReferenceLost(1)
                        .setPayloadsMalformed(2).setKeyframeRequests(3).setKeyframeRequestsStart(1)
                        .setKeyframeRequestsLoss(1).setKeyframeRequestsDecoderError(1))
                .addParticipants(ParticipantStats.newBuilder().setParticipantId("bob").setLastFrameAgeMs(-1)
                        .setRttMs(-1).setReorderWaitMs(40))
                .addOutputs(OutputStats.newBuilder().setOutputId("main").setFramesEncoded(370).setOutputFps(29.97)
                        .setLateTicks(4).setEncodeMsAvg(4.25).setBackend(Backend.CPU).setEncoder("libvpx")
                        .setBackendChanges(1)
                        .setLatencyMs(LatencyHistogram.newBuilder().setCount(370).setP50Ms(12.1).setP99Ms(25.3)))
                .build());
        Result r = ctl("stats", "r1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.lastRequest()).isEqualTo(GetStatsRequest.newBuilder().setRoomId("r1").build());
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("room r1  uptime 12.3 s  backend cpu");
        assertThat(lines.get(1)).isEqualTo("backend reason: CPU backend after a GPU fault: cuLaunchKernel failed");
        assertThat(lines.get(3).split("\\s{2,}"))
                .containsExactly("alice", "1200", "1.4 MiB", "3", "1", "300", "2", "1", "640x360", "33 ms ago");
        assertThat(lines.get(4)).startsWith("bob").endsWith("never");
        assertThat(lines.get(6).split("\\s{2,}"))
                .containsExactly("main", "370", "30.0", "4", "4.3 ms", "12.1 ms", "25.3 ms", "0 B", "0",
                        "cpu/libvpx (moved 1x)");
        assertThat(lines.get(7)).startsWith("PARTICIPANT").contains("RTT", "WAIT", "ACROSS-LOSS", "KEYFRAMES");
        assertThat(lines.get(8).split("\\s{2,}"))
                .containsExactly("alice", "120 ms", "200 ms", "7", "1", "40", "1", "1", "2", "3 (1/1/1)");
        assertThat(lines.get(9).split("\\s{2,}"))
                .containsExactly("bob", "-", "40 ms", "0", "0", "0", "0", "0", "0", "0 (0/0/0)");
    }

    @Test
    void infoPrintsTheEngine() {
        fake.respond(EngineInfo.newBuilder().setVersion("0.1.0").setBackend(Backend.GPU).setBackendReason("H100 found")
                .setFfmpegVersion("8.1.2").setRooms(3).setMediaHost("10.0.0.5").setMediaPortMin(40000)
                .setMediaPortMax(40999).build());
        Result r = ctl("info");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("version         0.1.0", "backend         gpu (H100 found)",
                "media           10.0.0.5 ports 40000-40999", "rooms           3");
    }

    @Test
    void eventsPrintOneLinePerEventUntilTheStreamEnds() throws Exception {
        Event created = Event.newBuilder().setTimestampMs(1_700_000_000_000L).setRoomId("r1")
                .setRoomCreated(RoomCreated.getDefaultInstance()).build();
        Event added = Event.newBuilder().setTimestampMs(1_700_000_000_500L).setRoomId("r1")
                .setParticipantAdded(ParticipantAdded.newBuilder().setParticipantId("alice")).build();
        Event keyframe = Event.newBuilder().setTimestampMs(1_700_000_001_000L).setRoomId("r1")
                .setKeyframeNeeded(KeyframeNeeded.newBuilder().setParticipantId("alice").setReason("packet loss"))
                .build();
        fake.events.addAll(List.of(created, added, keyframe));

        Result human = ctl("events", "--room", "r1");
        assertThat(human.exit()).as(human.err()).isZero();
        assertThat(fake.lastRequest()).isEqualTo(StreamEventsRequest.newBuilder().setRoomId("r1").build());
        List<String> lines = human.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.000  r1  room-created");
        assertThat(lines.get(1)).endsWith("  r1  participant-added  alice");
        assertThat(lines.get(2)).endsWith("  r1  keyframe-needed  alice  (packet loss)");

        Result json = ctl("--json", "events");
        assertThat(json.exit()).as(json.err()).isZero();
        List<Event> parsed = json.out().lines().map(line -> {
            Event.Builder b = Event.newBuilder();
            try {
                JsonFormat.parser().merge(line, b);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new AssertionError(line, e);
            }
            return b.build();
        }).toList();
        assertThat(parsed).containsExactly(created, added, keyframe);
    }

    /** Every rpc of the Mixer service has a command, and the command sends the request it should. */
    @ParameterizedTest(name = "ams ctl {0}")
    @MethodSource("everyRpc")
    void everyRpcHasACommand(String commandLine, Message expected) {
        Result r = ctl(commandLine.split(" "));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.requests).containsExactly(expected);
        if (!(expected instanceof StreamEventsRequest)) {   // no events: nothing to print
            assertThat(r.out()).isNotBlank();
        }
        assertThat(r.err()).isEmpty();
    }

    static Stream<Arguments> everyRpc() {
        return Stream.of(
                Arguments.of("room create r1", CreateRoomRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("room create r1 --size 1920x1080 --fps 25 --codec h264 --bitrate 4000 --layout filmstrip"
                                + " --fit crop --no-highlight --background 202020",
                        CreateRoomRequest.newBuilder().setRoomId("r1")
                                .setCanvas(Canvas.newBuilder().setWidth(1920).setHeight(1080)).setFps(25)
                                .setCodec(Codec.H264).setBitrateKbps(4000)
                                .setLayout(Layout.newBuilder().setKind(LayoutKind.FILMSTRIP).setFit(Fit.CROP)
                                        .setHighlightSpeaker(false).setBackgroundRgb(0x202020))
                                .build()),
                Arguments.of("room create r1 --region 0,0,1,1,alice", CreateRoomRequest.newBuilder().setRoomId("r1")
                        .setLayout(Layout.newBuilder().setKind(LayoutKind.CUSTOM)
                                .addRegions(Region.newBuilder().setWidth(1).setHeight(1).setParticipantId("alice")))
                        .build()),
                Arguments.of("room delete r1", DeleteRoomRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("room list", ListRoomsRequest.getDefaultInstance()),
                Arguments.of("room get r1", GetRoomRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("participant add r1 p1", AddParticipantRequest.newBuilder().setRoomId("r1")
                        .setParticipantId("p1").build()),
                Arguments.of("participant add r1 p2 --audio-pt 111 --audio-level-ext 1", AddParticipantRequest.newBuilder()
                        .setRoomId("r1").setParticipantId("p2").setAudioPayloadType(111).setAudioLevelExtId(1).build()),
                Arguments.of("participant remove r1 p1", RemoveParticipantRequest.newBuilder().setRoomId("r1")
                        .setParticipantId("p1").build()),
                Arguments.of("output add r1 rec --size 1280x720 --layout speaker --codec h264",
                        AddOutputRequest.newBuilder().setRoomId("r1").setSpec(OutputSpec.newBuilder().setId("rec")
                                .setCanvas(Canvas.newBuilder().setWidth(1280).setHeight(720)).setCodec(Codec.H264)
                                .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER))).build()),
                Arguments.of("output remove r1 rec", RemoveOutputRequest.newBuilder().setRoomId("r1")
                        .setOutputId("rec").build()),
                Arguments.of("destination add r1 127.0.0.1:5004", AddDestinationRequest.newBuilder().setRoomId("r1")
                        .setOutputId("main").setHost("127.0.0.1").setPort(5004).build()),
                Arguments.of("destination add r1 [::1]:5006 --output rec --id d1 --ssrc 1234 --pt 97",
                        AddDestinationRequest.newBuilder().setRoomId("r1").setOutputId("rec").setDestinationId("d1")
                                .setHost("::1").setPort(5006).setSsrc(1234).setPayloadType(97).build()),
                Arguments.of("destination remove r1 127.0.0.1:5004", RemoveDestinationRequest.newBuilder()
                        .setRoomId("r1").setOutputId("main").setDestinationId("127.0.0.1:5004").build()),
                Arguments.of("layout r1 grid --output rec", SetLayoutRequest.newBuilder().setRoomId("r1")
                        .setOutputId("rec").setLayout(Layout.newBuilder().setKind(LayoutKind.GRID)).build()),
                Arguments.of("speaker r1 bob", SetMainSpeakerRequest.newBuilder().setRoomId("r1")
                        .setParticipantId("bob").build()),
                Arguments.of("content r1 --clear", io.ams.proto.v1.SetContentRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("network r1 bob --rtt-ms 120", io.ams.proto.v1.SetParticipantNetworkRequest.newBuilder()
                        .setRoomId("r1").setParticipantId("bob").setRttMs(120).build()),
                Arguments.of("video r1 bob --off", io.ams.proto.v1.SetParticipantVideoRequest.newBuilder()
                        .setRoomId("r1").setParticipantId("bob").setVideoMuted(true).build()),
                Arguments.of("video r1 bob --on", io.ams.proto.v1.SetParticipantVideoRequest.newBuilder()
                        .setRoomId("r1").setParticipantId("bob").build()),
                Arguments.of("audio r1 127.0.0.1:5010 --speakers 4 --kbps 24", io.ams.proto.v1.SetAudioOutputRequest.newBuilder()
                        .setRoomId("r1").setHost("127.0.0.1").setPort(5010).setSpeakers(4).setBitrateKbps(24).build()),
                Arguments.of("audio r1 --off", io.ams.proto.v1.SetAudioOutputRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("keyframe r1", RequestKeyframeRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("keyframe r1 --output rec", RequestKeyframeRequest.newBuilder().setRoomId("r1")
                        .setOutputId("rec").build()),
                Arguments.of("stats r1", GetStatsRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("info", GetEngineInfoRequest.getDefaultInstance()),
                Arguments.of("drain", io.ams.proto.v1.DrainRequest.getDefaultInstance()),
                Arguments.of("drain --force", io.ams.proto.v1.DrainRequest.newBuilder().setForce(true).build()),
                Arguments.of("recording start r1 --id weekly --by Ops", io.ams.proto.v1.StartRecordingRequest.newBuilder()
                        .setRoomId("r1").setRecordingId("weekly").setStartedBy("Ops")
                        .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER).setHighlightSpeaker(true)).build()),
                Arguments.of("recording stop r1", io.ams.proto.v1.StopRecordingRequest.newBuilder().setRoomId("r1").build()),
                Arguments.of("recording list", io.ams.proto.v1.ListRecordingsRequest.getDefaultInstance()),
                Arguments.of("recording text r1 hello --from p1 --name Ada", io.ams.proto.v1.AddRecordingTextRequest.newBuilder()
                        .setRoomId("r1").setText("hello").setParticipantId("p1").setDisplayName("Ada").build()),
                Arguments.of("--json events", StreamEventsRequest.getDefaultInstance()));
    }

    @Test
    void everyMixerRpcIsCoveredByEveryRpcCases() {
        List<String> requestTypes = everyRpc().map(a -> a.get()[1].getClass().getSimpleName()).distinct().toList();
        List<String> rpcInputs = io.ams.proto.v1.MixerGrpc.getServiceDescriptor().getMethods().stream()
                .map(m -> m.getFullMethodName().substring(m.getFullMethodName().indexOf('/') + 1) + "Request")
                .toList();
        assertThat(requestTypes).containsExactlyInAnyOrderElementsOf(rpcInputs);
    }

    private static Room sampleRoom() {
        return Room.newBuilder().setId("r1").setBackend(Backend.CPU).setMainSpeakerId("alice")
                .setCreatedAtMs(1_700_000_000_000L)
                .addParticipants(Participant.newBuilder().setId("alice").setDisplayName("Alice").setCodec(Codec.VP8)
                        .setPayloadType(96).setRtpHost("127.0.0.1").setRtpPort(40000).setSsrc(1111))
                .addParticipants(Participant.newBuilder().setId("bob").setDisplayName("bob").setCodec(Codec.VP8)
                        .setPayloadType(96).setRtpHost("127.0.0.1").setRtpPort(40002))
                .addOutputs(Output.newBuilder()
                        .setSpec(OutputSpec.newBuilder().setId("main")
                                .setCanvas(Canvas.newBuilder().setWidth(640).setHeight(360)).setFps(30)
                                .setCodec(Codec.VP8).setBitrateKbps(1500)
                                .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER).setFit(Fit.LETTERBOX)))
                        .addDestinations(Destination.newBuilder().setId("127.0.0.1:5004").setHost("127.0.0.1")
                                .setPort(5004).setSsrc(42).setPayloadType(96)))
                .build();
    }
}
