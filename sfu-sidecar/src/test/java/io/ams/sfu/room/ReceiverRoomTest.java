package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.engine.Engines;
import io.ams.sfu.sdp.OfferBuilder;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the receive paths ask of the room: work that needs the room's lock goes to its lane, the rest is done at once. */
class ReceiverRoomTest {
    private static final long Q = 0x2000_0001L;
    private static final InetSocketAddress ROUTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private final Peer a = StagePackets.peer("a");
    private final Peer b = StagePackets.peer("b");
    private final Map<String, Peer> byId = new LinkedHashMap<>(Map.of("a", a, "b", b));
    private final List<String> engineCalls = new CopyOnWriteArrayList<>();
    private final Engines engine = (Engines) Proxy.newProxyInstance(Engines.class.getClassLoader(), new Class<?>[] {Engines.class},
            (proxy, method, args) -> {
                engineCalls.add(method.getName() + " " + args[0] + (args.length > 1 ? " " + args[1] : ""));
                return method.getName().equals("route") ? ROUTE : null;
            });
    private final MainSourceControl sources = new MainSourceControl(MainSourceControlTest.room(byId, new ArrayList<>(), new ArrayList<>()));
    private final List<Runnable> lane = new ArrayList<>();

    private ReceiverRoom room(DatagramSocket engineOut) {
        return new ReceiverRoom("r", () -> new Peer[] {a, b}, engine, engineOut, new KeyframeRequests(() -> new Peer[] {a, b}),
                sources, lane::add);
    }

    private void runLane() {
        List<Runnable> now = new ArrayList<>(lane);
        lane.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aLevelThatChangesTheSpeakerIsAppliedOnTheLaneOthersQueueNothing() {
        ReceiverRoom room = room(null);
        a.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        a.camera.latch(Q, "q", System.nanoTime());

        room.onAudioLevel(b, 127, false, 0); // silence
        assertThat(lane).isEmpty();
        room.onAudioLevel(a, 10, true, 20);
        assertThat(lane).hasSize(1);
        assertThat(sources.main()).as("not before the lane runs").isNull();
        runLane();
        assertThat(sources.main()).isEqualTo("a");
        assertThat(b.mainSource).isEqualTo("a");

        room.onAudioLevel(a, 10, true, 40); // still a
        assertThat(lane).isEmpty();
    }

    @Test
    void newLayersChooseTheMainSourcesAgainOnTheLane() {
        ReceiverRoom room = room(null);
        a.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        a.camera.latch(Q, "q", System.nanoTime());
        room.layersChanged(a);
        assertThat(b.mainSource).isNull();
        runLane();
        assertThat(b.mainSource).isEqualTo("a");
    }

    @Test
    void keyframesGoToTheLayersSenderOrTheEngineAndPacketsToTheEngineRoute() throws Exception {
        a.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        a.camera.latch(Q, "q", System.nanoTime());
        try (DatagramSocket out = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket in = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ReceiverRoom room = room(out);
            room.requestKeyframeOfLayer(Q);
            byte[] r = sent(a).rtcp.get(0);
            assertThat(RtcpParser.parse(r, 0, r.length)).singleElement()
                    .isInstanceOfSatisfying(RtcpPacket.Pli.class, pli -> assertThat(pli.mediaSsrc()).isEqualTo(Q));
            assertThat(sent(b).rtcp).isEmpty();

            room.requestMixKeyframe();
            assertThat(room.engineRoute(b)).isEqualTo(ROUTE);
            assertThat(engineCalls).containsExactly("requestKeyframe r", "route r b");

            room.sendToEngine(new DatagramPacket(new byte[] {1, 2, 3}, 3, in.getLocalSocketAddress()));
            in.setSoTimeout(2000);
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            in.receive(got);
            assertThat(got.getLength()).isEqualTo(3);
            assertThat(room.peers()).containsExactly(a, b);
        }
    }
}
