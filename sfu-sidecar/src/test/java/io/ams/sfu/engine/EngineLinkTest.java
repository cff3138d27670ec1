package io.ams.sfu.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.DeleteRoomResponse;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.ListRoomsRequest;
import io.ams.proto.v1.ListRoomsResponse;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.Participant;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RemoveParticipantResponse;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine link against an in-process fake engine that keeps rooms, participants and mix destinations. */
class EngineLinkTest {
    private final FakeEngine engine = new FakeEngine();
    private Server server;
    private ManagedChannel channel;
    private EngineLink link;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(engine).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        if (link != null) {
            link.close();
        }
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }

    @Test
    void aRoomReopenedWithANewMixSocketBeforeTheLinkCaughtUpSendsItsMixThere() throws Exception {
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 40001);
        InetSocketAddress second = new InetSocketAddress("127.0.0.1", 40002);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger readyCalls = new AtomicInteger();
        link = new EngineLink(channel, MixSettings.defaults(), new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean r) {
                if (r) {
                    readyCalls.incrementAndGet();
                }
                if (r && busy.getCount() > 0) {
                    busy.countDown(); // hold the link's thread, as a slow engine call would
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }
        });
        link.start();
        link.openRoom("r", first);
        link.addParticipant("r", "p1", "Ada", 1234);
        assertThat(busy.await(5, TimeUnit.SECONDS)).as("room created in the engine").isTrue();
        assertThat(engine.destination("r")).isEqualTo("127.0.0.1:40001");

        // its only participant rejoins: the sidecar closes the room and opens a new one (a new mix socket)
        // while the link is still busy, so the link never sees the room missing from what it wants
        link.removeParticipant("r", "p1");
        link.closeRoom("r");
        link.openRoom("r", second);
        link.addParticipant("r", "p2", "Ada", 5678);
        release.countDown();

        assertThat(await(() -> "127.0.0.1:40002".equals(engine.destination("r")) && engine.participants("r").equals(Set.of("p2"))))
                .as("the engine's room sends its mix to the new socket: " + engine.destination("r") + ", participants "
                        + engine.participants("r"))
                .isTrue();
        // the new room in the sidecar starts with its mix unavailable: it must hear that the mix is ready
        assertThat(await(() -> readyCalls.get() == 2)).as("mix ready again, " + readyCalls.get() + " time(s) in all").isTrue();
    }

    @Test
    void participantsArePinnedToTheLinksRtpPortAndTheMixToTheEnginesSender() throws Exception {
        java.util.concurrent.atomic.AtomicReference<InetSocketAddress> mixSender = new java.util.concurrent.atomic.AtomicReference<>();
        link = new EngineLink(channel, MixSettings.defaults(), new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean r) {
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }

            @Override
            public void onMixSender(String roomId, InetSocketAddress sender) {
                mixSender.set(sender);
            }
        }, 4242);
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40009));
        link.addParticipant("r", "p1", "Ada", 1234);
        assertThat(await(() -> engine.senderPort == 4242)).as("AddParticipant.sender_port " + engine.senderPort).isTrue();
        assertThat(mixSender.get()).as("a mix sent to loopback comes from loopback, from the engine's port")
                .isEqualTo(new InetSocketAddress("127.0.0.1", 4000));
    }

    @Test
    void aRoomOpenedAgainWithTheSameMixSocketIsKept() throws Exception {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 40003);
        link = new EngineLink(channel, MixSettings.defaults(), new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean ready) {
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }
        });
        link.start();
        link.openRoom("r", target);
        link.addParticipant("r", "p1", "Ada", 1234);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1")))).isTrue();
        int created = engine.created;
        link.openRoom("r", target); // a no-op: the room is wanted already
        Thread.sleep(1500); // one periodic reconcile
        assertThat(engine.created).as("not re-created").isEqualTo(created);
        assertThat(engine.participants("r")).containsExactly("p1");
    }

    @Test
    void aParkedRoomIsNotInTheEngineAndComesBackWithItsParticipantsWhenUnparked() throws Exception {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 40004);
        java.util.List<Boolean> ready = new java.util.concurrent.CopyOnWriteArrayList<>();
        link = new EngineLink(channel, MixSettings.defaults(), new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean r) {
                ready.add(r);
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }
        });
        link.start();
        link.openRoom("r", target);
        link.addParticipant("r", "p1", "Ada", 1234);
        link.addParticipant("r", "p2", "Bob", 5678);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1", "p2")))).isTrue();
        assertThat(link.route("r", "p1")).isNotNull();

        link.parkRoom("r", true); // the call went peer to peer
        assertThat(await(() -> engine.destination("r") == null)).as("deleted from the engine").isTrue();
        assertThat(link.parked("r")).isTrue();
        assertThat(link.route("r", "p1")).as("no media goes to the engine for it").isNull();
        assertThat(await(() -> ready.equals(java.util.List.of(true, false)))).as("the mix is not ready meanwhile: " + ready).isTrue();
        int created = engine.created;
        Thread.sleep(1500); // a periodic reconcile leaves it out
        assertThat(engine.created).as("not re-created while parked").isEqualTo(created);

        link.addParticipant("r", "p2", "Bob (renamed)", 5678); // the wish still follows the room meanwhile
        link.parkRoom("r", false); // back on the server
        assertThat(await(() -> "127.0.0.1:40004".equals(engine.destination("r")) && engine.participants("r").equals(Set.of("p1", "p2"))))
                .as("created again with both participants").isTrue();
        assertThat(await(() -> link.route("r", "p2") != null)).isTrue();
        assertThat(await(() -> ready.equals(java.util.List.of(true, false, true)))).as("the mix ready again: " + ready).isTrue();
        assertThat(link.parked("r")).isFalse();
    }

    @Test
    void aRecordingWantedForAParkedRoomCreatesItInTheEngine() throws Exception {
        java.util.List<String> news = new java.util.concurrent.CopyOnWriteArrayList<>();
        link = new EngineLink(channel, MixSettings.defaults(), recordingNews(news));
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40005));
        link.addParticipant("r", "p1", "Ada", 1234);
        link.parkRoom("r", true);
        Thread.sleep(1500);
        assertThat(engine.destination("r")).as("parked: not in the engine").isNull();
        // the host presses record during a P2P call: the recording needs the engine, parked or not; the room hears
        // of it, which ends the P2P call (and unparks the room)
        assertThat(link.setRecording("r", true, "Ada")).isTrue();
        assertThat(await(() -> news.equals(java.util.List.of("on:Ada")) && engine.participants("r").equals(Set.of("p1"))))
                .as("recording news " + news).isTrue();
    }

    @Test
    void theUplinkRttGoesToTheEngineWhenItMovesMeaningfullyAtMostOnceASecond() throws Exception {
        link = new EngineLink(channel, MixSettings.defaults(), new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean ready) {
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }
        });
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40004));
        link.addParticipant("r", "p1", "Ada", 1234);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1")))).isTrue();
        link.setParticipantRtt("r", "p1", -1); // unknown: nothing sent
        Thread.sleep(1200);
        assertThat(engine.rttCalls).isEmpty();
        for (int i = 0; i < 50; i++) {          // the room timer reports it every 100 ms
            link.setParticipantRtt("r", "p1", 120 + (i % 3));
        }
        assertThat(await(() -> engine.rttCalls.size() == 1)).isTrue();
        assertThat(engine.rttCalls.get(0)).startsWith("r/p1=12");
        link.setParticipantRtt("r", "p1", 128); // less than 20 %: not worth a call
        Thread.sleep(1200);
        assertThat(engine.rttCalls).hasSize(1);
        link.setParticipantRtt("r", "p1", 250);
        assertThat(await(() -> engine.rttCalls.size() == 2)).isTrue();
        assertThat(engine.rttCalls.get(1)).isEqualTo("r/p1=250");
        assertThat(EngineLink.rttMoved(100, 119)).isFalse();
        assertThat(EngineLink.rttMoved(100, 120)).isTrue();
        assertThat(EngineLink.rttMoved(20, 28)).isFalse();
    }

    @Test
    void aCameraTurnedOffReachesTheEngineOnceAndAgainAfterAnEngineRestart() throws Exception {
        link = new EngineLink(channel, MixSettings.defaults(), new ReadyLog());
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40005));
        link.addParticipant("r", "p1", "Ada", 1234);
        link.addParticipant("r", "p2", "Bob", 5678);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1", "p2")))).isTrue();
        assertThat(engine.videoCalls).as("cameras start on: nothing to say").isEmpty();
        link.setVideoMuted("r", "p1", true);
        assertThat(await(() -> engine.videoCalls.equals(java.util.List.of("r/p1 off")))).as(engine.videoCalls.toString()).isTrue();
        link.setVideoMuted("r", "p1", true); // the same wish again: no second call
        engine.restart();                    // the engine lost the room: re-created, and p1's camera is off there again
        assertThat(await(() -> engine.videoCalls.size() == 2)).as(engine.videoCalls.toString()).isTrue();
        assertThat(engine.videoCalls.get(1)).isEqualTo("r/p1 off");
        link.setVideoMuted("r", "p1", false);
        assertThat(await(() -> engine.videoCalls.size() == 3)).isTrue();
        assertThat(engine.videoCalls.get(2)).isEqualTo("r/p1 on");
    }

    @Test
    void aHostsRecordingRunsSurvivesAnEngineRestartAndIsNotFoughtOver() throws Exception {
        java.util.List<String> news = new java.util.concurrent.CopyOnWriteArrayList<>();
        link = new EngineLink(channel, MixSettings.defaults(), recordingNews(news));
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40001));
        assertThat(await(() -> engine.created == 1)).isTrue();
        assertThat(link.setRecording("r", true, "Ada")).isTrue();
        assertThat(link.setRecording("nope", true, "Ada")).as("a room that is not open").isFalse();
        assertThat(await(() -> news.equals(java.util.List.of("on:Ada")))).as("recording news " + news).isTrue();

        engine.restart(); // the engine lost everything: the room and its recording come back
        assertThat(await(() -> engine.created == 2 && engine.recordingsStarted.get() == 2)).as("recording restarted").isTrue();

        engine.operatorStopsRecording("r"); // someone else stopped it: the link does not start it again
        assertThat(await(() -> news.get(news.size() - 1).equals("off"))).as("news " + news).isTrue();
        Thread.sleep(2500);
        assertThat(engine.recordingsStarted.get()).isEqualTo(2);

        link.setRecording("r", true, "Bob");
        assertThat(await(() -> news.get(news.size() - 1).equals("on:Bob"))).as("news " + news).isTrue();
        link.setRecording("r", false, "Bob");
        assertThat(await(() -> news.get(news.size() - 1).equals("off") && engine.recording.isEmpty())).as("stopped: " + news).isTrue();
    }

    /** Records the mix-ready news the link gives. */
    private static final class ReadyLog implements EngineLink.Listener {
        final java.util.List<Boolean> news = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onMixReady(String roomId, boolean ready) {
            news.add(ready);
        }

        @Override
        public void onKeyframeNeeded(String roomId, String participantId) {
        }
    }

    private ReadyLog roomWithOneParticipant() throws Exception {
        ReadyLog log = new ReadyLog();
        link = new EngineLink(channel, MixSettings.defaults(), log);
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40001));
        link.addParticipant("r", "p1", "Ada", 1234);
        assertThat(await(() -> log.news.equals(java.util.List.of(true)) && engine.participants("r").equals(Set.of("p1"))))
                .as("room and participant in the engine, mix ready: " + log.news).isTrue();
        return log;
    }

    @Test
    void internalAndUnknownErrorsFromTheEngineDoNotRecreateItsRooms() throws Exception {
        ReadyLog log = roomWithOneParticipant();
        for (Status failure : new Status[] {Status.INTERNAL.withDescription("boom"), Status.UNKNOWN}) {
            int answered = engine.listAnswered.get();
            engine.listFailure = failure;
            engine.listFailures.set(2);
            assertThat(await(() -> engine.listFailures.get() == 0 && engine.listAnswered.get() > answered + 1))
                    .as("the link retried after " + failure.getCode()).isTrue();
        }
        assertThat(engine.created).as("rooms created in the engine").isEqualTo(1);
        assertThat(engine.participants("r")).containsExactly("p1");
        assertThat(log.news).as("mix-ready news: an engine that answers is not gone").containsExactly(true);
        assertThat(link.connected()).isTrue();
        assertThat(link.rpcFailures()).isEqualTo(4);
    }

    @Test
    void aShortOutageKeepsTheEnginesRoomsAndTheMixComesBack() throws Exception {
        ReadyLog log = roomWithOneParticipant();
        engine.listFailure = Status.UNAVAILABLE.withDescription("blackholed");
        engine.listFailures.set(3);
        assertThat(await(() -> log.news.size() == 3)).as("mix unavailable, then ready again: " + log.news).isTrue();
        assertThat(log.news).containsExactly(true, false, true);
        assertThat(engine.created).as("the engine still had the room: not created again").isEqualTo(1);
        assertThat(engine.participants("r")).containsExactly("p1");
    }

    @Test
    void anEngineThatLostItsRoomsGetsThemAgain() throws Exception {
        ReadyLog log = roomWithOneParticipant();
        engine.restart();
        assertThat(await(() -> engine.created == 2 && engine.participants("r").equals(Set.of("p1"))))
                .as("room and participant re-created after the engine restarted").isTrue();
        assertThat(await(() -> log.news.size() == 3)).as("mix news " + log.news).isTrue();
        assertThat(log.news).containsExactly(true, false, true);
    }

    /** A listener that writes the recording news ("on:BY", "off") to {@code news} and ignores the rest. */
    private static EngineLink.Listener recordingNews(java.util.List<String> news) {
        return new EngineLink.Listener() {
            @Override
            public void onMixReady(String roomId, boolean ready) {
            }

            @Override
            public void onKeyframeNeeded(String roomId, String participantId) {
            }

            @Override
            public void onRecording(String roomId, boolean active, String by) {
                news.add(active ? "on:" + by : "off");
            }
        };
    }

    private static boolean await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }

    /** Just enough of the engine's Mixer service for the link: rooms, participants, one mix destination each. */
    /** A listener that keeps what it is told about mixed audio. */
    private static final class AudioListener implements EngineLink.Listener {
        final Map<String, Long> mixAudioSsrc = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger ready = new AtomicInteger();

        @Override
        public void onMixReady(String roomId, boolean r) {
            if (r) {
                ready.incrementAndGet();
            }
        }

        @Override
        public void onKeyframeNeeded(String roomId, String participantId) {
        }

        @Override
        public void onMixAudioSsrc(String roomId, String participantId, long ssrc) {
            mixAudioSsrc.put(roomId + "/" + participantId, ssrc);
        }
    }

    @Test
    void participantsAreAddedWithTheirAudioAndTheRoomsMixedAudioGoesToTheMixSocketAgainAfterAnEngineRestart() throws Exception {
        engine.audioOutputImplemented = true;
        AudioListener listener = new AudioListener();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", 40011);
        link = new EngineLink(channel, MixSettings.defaults(), listener);
        link.start();
        link.openRoom("r", target);
        link.addParticipant("r", "p1", "Ada", 1234, 1);
        link.addParticipant("r", "p2", "Bob", 5678, 0);
        assertThat(await(() -> listener.mixAudioSsrc.size() == 2)).isTrue();
        assertThat(engine.audioOutputs).containsExactly("r->127.0.0.1:40011 pt 111 32 kbps 3 speakers");
        assertThat(engine.audioParams).containsEntry("p1", "pt 111 level 1").containsEntry("p2", "pt 111 level 0");
        long first = listener.mixAudioSsrc.get("r/p1");
        assertThat(first).isEqualTo(engine.mixAudioSsrcOf("r", "p1"));

        engine.restart(); // a new engine: new SSRCs, and it needs to be told where mixed audio goes again
        assertThat(await(() -> engine.audioOutputs.size() == 2 && listener.mixAudioSsrc.get("r/p1") != first)).isTrue();
        assertThat(engine.audioOutputs.get(1)).isEqualTo("r->127.0.0.1:40011 pt 111 32 kbps 3 speakers");
        assertThat(listener.mixAudioSsrc.get("r/p1")).isEqualTo(engine.mixAudioSsrcOf("r", "p1"));
        Thread.sleep(1200); // a periodic reconcile: not asked again
        assertThat(engine.audioOutputs).hasSize(2);
    }

    @Test
    void anEngineWithoutMixedAudioIsToldOnceAndTheRoomWorksOn() throws Exception {
        AudioListener listener = new AudioListener(); // FakeEngine answers UNIMPLEMENTED for SetAudioOutput by default
        link = new EngineLink(channel, MixSettings.defaults(), listener);
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40012));
        link.addParticipant("r", "p1", "Ada", 1234, 1);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1")) && listener.ready.get() == 1)).isTrue();
        Thread.sleep(1200);
        assertThat(engine.audioOutputCalls.get()).as("asked once, not every second").isEqualTo(1);
        assertThat(link.lastError()).isEmpty();
        assertThat(listener.mixAudioSsrc).isEmpty(); // the old engine answers no mix_audio_ssrc
    }

    @Test
    void withTheThresholdAtMinusOneTheEngineIsNeverAskedForMixedAudio() throws Exception {
        engine.audioOutputImplemented = true;
        AudioListener listener = new AudioListener();
        link = new EngineLink(channel, MixSettings.defaults().withAudioMixThreshold(-1), listener);
        link.start();
        link.openRoom("r", new InetSocketAddress("127.0.0.1", 40013));
        link.addParticipant("r", "p1", "Ada", 1234, 1);
        assertThat(await(() -> engine.participants("r").equals(Set.of("p1")))).isTrue();
        Thread.sleep(1200);
        assertThat(engine.audioOutputCalls.get()).isZero();
        assertThat(engine.audioParams).containsEntry("p1", "pt 111 level 1"); // its audio still goes in (recordings)
    }

    private static final class FakeEngine extends MixerGrpc.MixerImplBase {
        private final Map<String, Set<String>> rooms = new LinkedHashMap<>();
        private final Map<String, String> destinations = new LinkedHashMap<>();
        volatile int senderPort = -1;
        volatile int created;
        volatile Status listFailure;       // the next listFailures ListRooms calls fail with it
        final AtomicInteger listFailures = new AtomicInteger();
        final AtomicInteger listAnswered = new AtomicInteger();

        final Map<String, String> recording = new LinkedHashMap<>(); // room -> started_by, while one runs
        final AtomicInteger recordingsStarted = new AtomicInteger();

        volatile boolean audioOutputImplemented;
        final java.util.List<String> audioOutputs = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger audioOutputCalls = new AtomicInteger();
        final Map<String, String> audioParams = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Long> mixAudioSsrcs = new LinkedHashMap<>();
        private long nextMixAudioSsrc = 7000;

        synchronized long mixAudioSsrcOf(String room, String participant) {
            return mixAudioSsrcs.getOrDefault(room + "/" + participant, 0L);
        }

        @Override
        public void setAudioOutput(io.ams.proto.v1.SetAudioOutputRequest req, StreamObserver<io.ams.proto.v1.AudioOutput> out) {
            audioOutputCalls.incrementAndGet();
            if (!audioOutputImplemented) {
                super.setAudioOutput(req, out); // UNIMPLEMENTED, as an engine without the audio mix answers
                return;
            }
            audioOutputs.add(req.getRoomId() + "->" + req.getHost() + ":" + req.getPort() + " pt " + req.getPayloadType() + " "
                    + req.getBitrateKbps() + " kbps " + req.getSpeakers() + " speakers");
            out.onNext(io.ams.proto.v1.AudioOutput.newBuilder().setRoomId(req.getRoomId()).setActive(true).build());
            out.onCompleted();
        }

        synchronized void restart() {
            rooms.clear();
            destinations.clear();
            recording.clear();
        }

        synchronized void operatorStopsRecording(String room) {
            recording.remove(room);
        }

        @Override
        public synchronized void startRecording(io.ams.proto.v1.StartRecordingRequest req, StreamObserver<io.ams.proto.v1.Recording> out) {
            if (!rooms.containsKey(req.getRoomId()) || recording.containsKey(req.getRoomId())) {
                out.onError(Status.FAILED_PRECONDITION.asRuntimeException());
                return;
            }
            recording.put(req.getRoomId(), req.getStartedBy());
            recordingsStarted.incrementAndGet();
            out.onNext(rec(req.getRoomId()));
            out.onCompleted();
        }

        @Override
        public synchronized void stopRecording(io.ams.proto.v1.StopRecordingRequest req, StreamObserver<io.ams.proto.v1.Recording> out) {
            if (recording.remove(req.getRoomId()) == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(io.ams.proto.v1.Recording.newBuilder().setId("rec").build());
            out.onCompleted();
        }

        private io.ams.proto.v1.Recording rec(String room) {
            return io.ams.proto.v1.Recording.newBuilder().setId("rec").setRoomId(room).setRunning(true)
                    .setStartedBy(recording.get(room)).build();
        }

        synchronized String destination(String room) {
            return destinations.get(room);
        }

        synchronized Set<String> participants(String room) {
            Set<String> p = rooms.get(room);
            return p == null ? Set.of() : Set.copyOf(p);
        }

        @Override
        public synchronized void listRooms(ListRoomsRequest req, StreamObserver<ListRoomsResponse> out) {
            if (listFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.onError(listFailure.asRuntimeException());
                return;
            }
            listAnswered.incrementAndGet();
            ListRoomsResponse.Builder b = ListRoomsResponse.newBuilder();
            rooms.forEach((id, ps) -> {
                Room.Builder r = Room.newBuilder().setId(id);
                ps.forEach(p -> r.addParticipants(Participant.newBuilder().setId(p)));
                if (recording.containsKey(id)) {
                    r.addRecordings(rec(id));
                }
                b.addRooms(r);
            });
            out.onNext(b.build());
            out.onCompleted();
        }

        @Override
        public synchronized void createRoom(CreateRoomRequest req, StreamObserver<Room> out) {
            if (rooms.containsKey(req.getRoomId())) {
                out.onError(Status.ALREADY_EXISTS.withDescription("room exists").asRuntimeException());
                return;
            }
            rooms.put(req.getRoomId(), new LinkedHashSet<>());
            created++;
            out.onNext(Room.newBuilder().setId(req.getRoomId()).build());
            out.onCompleted();
        }

        @Override
        public synchronized void deleteRoom(DeleteRoomRequest req, StreamObserver<DeleteRoomResponse> out) {
            rooms.remove(req.getRoomId());
            destinations.remove(req.getRoomId());
            out.onNext(DeleteRoomResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public synchronized void addDestination(AddDestinationRequest req, StreamObserver<Destination> out) {
            destinations.put(req.getRoomId(), req.getHost() + ":" + req.getPort());
            out.onNext(Destination.newBuilder().setHost(req.getHost()).setPort(req.getPort())
                    .setSenderHost("192.0.2.10").setSenderPort(4000).build());
            out.onCompleted();
        }

        @Override
        public synchronized void addParticipant(AddParticipantRequest req, StreamObserver<AddParticipantResponse> out) {
            Set<String> ps = rooms.get(req.getRoomId());
            if (ps == null) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            if (!ps.add(req.getParticipantId())) {
                out.onError(Status.ALREADY_EXISTS.asRuntimeException());
                return;
            }
            senderPort = req.getSenderPort();
            audioParams.put(req.getParticipantId(), "pt " + req.getAudioPayloadType() + " level " + req.getAudioLevelExtId());
            AddParticipantResponse.Builder resp = AddParticipantResponse.newBuilder().setRtpHost("127.0.0.1").setRtpPort(50000 + ps.size());
            if (audioOutputImplemented) {
                long ssrc = nextMixAudioSsrc++;
                mixAudioSsrcs.put(req.getRoomId() + "/" + req.getParticipantId(), ssrc);
                resp.setMixAudioSsrc((int) ssrc);
            }
            out.onNext(resp.build());
            out.onCompleted();
        }

        @Override
        public synchronized void removeParticipant(RemoveParticipantRequest req, StreamObserver<RemoveParticipantResponse> out) {
            Set<String> ps = rooms.get(req.getRoomId());
            if (ps == null || !ps.remove(req.getParticipantId())) {
                out.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            out.onNext(RemoveParticipantResponse.getDefaultInstance());
            out.onCompleted();
        }

        @Override
        public synchronized void setMainSpeaker(SetMainSpeakerRequest req, StreamObserver<Room> out) {
            out.onNext(Room.newBuilder().setId(req.getRoomId()).build());
            out.onCompleted();
        }

        final java.util.List<String> videoCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void setParticipantVideo(io.ams.proto.v1.SetParticipantVideoRequest req,
                                        StreamObserver<io.ams.proto.v1.Participant> out) {
            videoCalls.add(req.getRoomId() + "/" + req.getParticipantId() + (req.getVideoMuted() ? " off" : " on"));
            out.onNext(io.ams.proto.v1.Participant.newBuilder().setId(req.getParticipantId())
                    .setVideoMuted(req.getVideoMuted()).build());
            out.onCompleted();
        }

        final java.util.List<String> rttCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void setParticipantNetwork(io.ams.proto.v1.SetParticipantNetworkRequest req,
                                          StreamObserver<io.ams.proto.v1.SetParticipantNetworkResponse> out) {
            rttCalls.add(req.getRoomId() + "/" + req.getParticipantId() + "=" + req.getRttMs());
            out.onNext(io.ams.proto.v1.SetParticipantNetworkResponse.newBuilder().setRttMs(req.getRttMs()).build());
            out.onCompleted();
        }

        @Override
        public void streamEvents(StreamEventsRequest req, StreamObserver<Event> out) {
            // stays open without events
        }
    }
}
