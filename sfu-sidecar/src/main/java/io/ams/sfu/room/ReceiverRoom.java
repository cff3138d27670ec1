package io.ams.sfu.room;

import io.ams.sfu.engine.Engines;
import io.ams.sfu.layers.CameraLayer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The room as every participant's receive paths see it ({@link CameraReceiver}, {@link AudioReceiver},
 * {@link RtcpReceiver}): the participants' volatile snapshot, the engine's routes and socket, keyframe
 * requests, and the audio levels for {@link MainSourceControl}. Called on receive threads without the
 * room's lock; what needs the lock (choosing main sources again, announcing a new speaker) is queued on the
 * room's lane.
 */
final class ReceiverRoom implements CameraReceiver.Room, AudioReceiver.Room, RtcpReceiver.Room {
    private final String roomId;
    private final Supplier<Peer[]> peers;
    private final Engines engine;
    private final DatagramSocket engineOut;
    private final KeyframeRequests keyframes;
    private final MainSourceControl sources;
    private final Consumer<Runnable> laneIfOpen;

    /**
     * @param laneIfOpen runs a task later on the room's lane, under the room's lock, unless the room has closed
     */
    ReceiverRoom(String roomId, Supplier<Peer[]> peers, Engines engine, DatagramSocket engineOut, KeyframeRequests keyframes,
                 MainSourceControl sources, Consumer<Runnable> laneIfOpen) {
        this.roomId = roomId;
        this.peers = peers;
        this.engine = engine;
        this.engineOut = engineOut;
        this.keyframes = keyframes;
        this.sources = sources;
        this.laneIfOpen = laneIfOpen;
    }

    @Override
    public Peer[] peers() {
        return peers.get();
    }

    @Override
    public InetSocketAddress engineRoute(Peer p) {
        return engine.route(roomId, p.id);
    }

    @Override
    public void sendToEngine(DatagramPacket dp) throws IOException {
        engineOut.send(dp);
    }

    @Override
    public void requestKeyframe(Peer src, CameraLayer layer) {
        keyframes.ofLayer(src, layer);
    }

    @Override
    public void layersChanged(Peer p) {
        laneIfOpen.accept(sources::update);
    }

    @Override
    public void onAudioLevel(Peer p, int level, boolean voice, long nowMillis) {
        if (sources.onAudioLevel(p.id, level, voice, nowMillis)) {
            laneIfOpen.accept(sources::apply);
        }
    }

    @Override
    public void requestKeyframeOfLayer(long layerSsrc) {
        keyframes.ofSsrc(layerSsrc);
    }

    @Override
    public void requestMixKeyframe() {
        engine.requestKeyframe(roomId);
    }
}
