package io.ams.sfu.room;

import io.ams.rtp.rtcp.RtcpWriter;
import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.relay.StreamRewriter;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keyframes asked of the room's cameras: a PLI to the sender of one layer, at most one per layer every
 * {@value #MIN_INTERVAL_MS} ms however many receivers, the engine and repairs ask (a keyframe costs the
 * sender's uplink several times a delta frame). Called from any thread: receive threads, the mix thread,
 * the room's lane.
 */
final class KeyframeRequests {
    static final long MIN_INTERVAL_MS = 300;
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MS);

    private final Supplier<Peer[]> peers;

    KeyframeRequests(Supplier<Peer[]> peers) {
        this.peers = peers;
    }

    /** {@link #ofEngineFeed} of the participant {@code participantId}; nothing if it is not in the room. */
    void ofEngineFeed(String participantId) {
        for (Peer q : peers.get()) {
            if (q.id.equals(participantId)) {
                ofEngineFeed(q);
                return;
            }
        }
    }

    /** A keyframe of what the engine decodes of {@code src}: its feed's layer, or the one the feed waits for. */
    void ofEngineFeed(Peer src) {
        long ssrc;
        synchronized (src.engineRewriter) {
            ssrc = src.engineRewriter.pendingSource() != StreamRewriter.NONE ? src.engineRewriter.pendingSource()
                    : src.engineRewriter.currentSource();
        }
        CameraLayer layer = src.camera.bySsrc(ssrc);
        if (layer == null) {
            CameraLayer[] all = src.camera.all();
            layer = all.length == 0 ? null : all[0]; // no feed yet: the smallest layer, which it starts with
        }
        if (layer != null) {
            ofLayer(src, layer);
        }
    }

    /** A keyframe of one layer of {@code src}'s camera (a PLI), unless one was asked within the interval. */
    void ofLayer(Peer src, CameraLayer layer) {
        long now = System.nanoTime();
        if (layer.ssrc() == 0 || !layer.pliDue(now, MIN_INTERVAL_NANOS)) {
            return;
        }
        byte[] pli = RtcpWriter.pli(SfuRoom.SFU_SSRC, layer.ssrc());
        if (src.media.sendRtcp(pli, 0, pli.length)) {
            src.plisSent.incrementAndGet();
        }
    }

    /** A keyframe of the camera layer sent on {@code layerSsrc}, whoever in the room sends it; unknown: nothing. */
    void ofSsrc(long layerSsrc) {
        if (layerSsrc == StreamRewriter.NONE || layerSsrc == 0) {
            return;
        }
        for (Peer q : peers.get()) {
            CameraLayer layer = q.camera.bySsrc(layerSsrc);
            if (layer != null) {
                ofLayer(q, layer);
                return;
            }
        }
    }
}
