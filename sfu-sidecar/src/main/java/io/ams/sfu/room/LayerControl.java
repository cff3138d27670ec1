package io.ams.sfu.room;

import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.layers.LayerChoice;
import io.ams.sfu.layers.MixTiles;
import io.ams.sfu.layers.SenderConstraints;
import io.ams.sfu.relay.StreamRewriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import io.ams.sfu.quality.ParticipantQuality;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's layer decisions (issue 7, DESIGN.md section 9): which layer each receiver's main video and
 * each engine feed take, and what each camera is asked to send. Called by {@link SfuRoom} under its
 * lock, with the room's participants and main speaker; keeps no participant state of its own (that
 * lives on each {@link Peer}).
 */
final class LayerControl {
    private static final Logger LOG = LoggerFactory.getLogger(LayerControl.class);
    private static final long CONSTRAINTS_ANSWER_MILLIS = 5000;
    private static final long LAYER_OFF_GRACE_MILLIS = 2000;

    private final String roomId;
    private final MixSettings mix;
    private volatile boolean dynamic = true;

    LayerControl(String roomId, MixSettings mix) {
        this.roomId = roomId;
        this.mix = mix;
    }

    /**
     * Points every receiver's main slot and every engine feed at the layer it takes now: a receiver the
     * best live layer of its main source that its downlink carries (none while it is mix-only), the engine the smallest live layer that fills the camera's tile.
     * Run on every change and on the timer (layers come and go as senders apply their constraints);
     * a switch happens at the new layer's next keyframe (the rewriter asks for it).
     */
    void selectLayers(Collection<Peer> peers, String main, long now) {
        int cameras = camerasInMix(peers);
        for (Peer q : peers) {
            Peer src = q.mainSource == null ? null : byId(peers, q.mainSource);
            if (src != null && q.mixOnly) {
                synchronized (q.mainRewriter) { // its downlink carries the mix only: nothing relayed until it recovers
                    q.mainRewriter.stop();
                }
            } else if (src != null) {
                CameraLayer l = LayerChoice.forRelay(src.camera.all(), q.mainLayerCap, now);
                switchLayer(q.mainRewriter, l != null ? l : firstLatched(src), now);
            }
            if (q.engineAdded && q.hasCamera()) {
                int need = MixTiles.neededHeight(mix, cameras, q.id.equals(main));
                CameraLayer l = LayerChoice.forTile(q.camera.all(), need, now);
                switchLayer(q.engineRewriter, l != null ? l : firstLatched(q), now);
            }
        }
    }

    private static int camerasInMix(Collection<Peer> peers) {
        int n = 0;
        for (Peer q : peers) {
            if (q.engineAdded && q.hasCamera()) {
                n++;
            }
        }
        return n;
    }

    private static CameraLayer firstLatched(Peer src) {
        for (CameraLayer l : src.camera.all()) {
            if (l.ssrc() != 0) {
                return l;
            }
        }
        return null;
    }

    private static void switchLayer(StreamRewriter r, CameraLayer layer, long now) {
        if (layer == null) {
            return;
        }
        synchronized (r) {
            long ssrc = layer.ssrc();
            if (r.pendingSource() == ssrc || r.currentSource() == ssrc && r.pendingSource() == StreamRewriter.NONE) {
                return;
            }
            r.switchTo(ssrc, now); // to the current source: cancels a pending switch; else asks for a keyframe
        }
    }

    /**
     * Tells each camera what to send (dynamic resolution): every layer when someone watches it as their
     * main video, else only the smallest at its tile's size. Also counts clients that do not apply what
     * they were asked within 5 s, and senders still sending a layer 2 s after applying its switch-off.
     */
    void updateConstraints(Collection<Peer> peers, String main, Map<String, ParticipantQuality> quality, long nowMillis,
                           long nowNanos) {
        int cameras = camerasInMix(peers);
        for (Peer p : peers) {
            if (!p.hasCamera()) {
                continue;
            }
            boolean relayed = false;
            for (Peer q : peers) {
                relayed |= q != p && p.id.equals(q.mainSource);
            }
            int tile = MixTiles.neededHeight(mix, cameras, p.id.equals(main));
            ParticipantQuality pq = quality.get(p.id);
            int before = p.uplinkGuard.dropTop();
            int dropTop = p.uplinkGuard.update(pq == null ? null : pq.uplink().level(), nowMillis);
            if (dropTop != before) {
                LOG.info("room '{}': {} {} (its upload is {})", roomId, p, dropTop > before
                        ? "is asked to leave off its top " + dropTop + " layer(s)" : "may send " + (before - dropTop)
                        + " more layer(s) again", pq == null ? "not measured" : pq.uplink().text());
            }
            List<SenderConstraints.Encoding> enc = p.constraints.update(new SenderConstraints.Wish(relayed || !dynamic, tile, dropTop),
                    p.camera.rids(), nowMillis);
            int version = p.constraints.version();
            if (enc != null) {
                p.constraintsSent = enc;
                p.constraintsSentMillis = nowMillis;
                p.constraintsOverdueCounted = false;
                p.constraintsMessages.incrementAndGet();
                LOG.debug("room '{}': {} asked to send {} (v{})", roomId, p, enc, version);
                p.channel.constraints(version, enc);
            }
            if (p.constraintsAckedVersion < version && !p.constraintsOverdueCounted
                    && nowMillis - p.constraintsSentMillis > CONSTRAINTS_ANSWER_MILLIS) {
                p.constraintsOverdueCounted = true;
                if (p.constraintsUnanswered.getAndIncrement() == 0) {
                    LOG.info("room '{}': {} did not apply its send constraints v{} within {} ms (counted from now on, not logged again)",
                            roomId, p, version, CONSTRAINTS_ANSWER_MILLIS);
                }
            }
            if (p.constraintsAckedVersion == version && p.ignoredCheckedVersion != version
                    && nowMillis - p.constraintsAckedMillis > LAYER_OFF_GRACE_MILLIS) {
                p.ignoredCheckedVersion = version;
                for (SenderConstraints.Encoding e : p.constraintsSent) {
                    CameraLayer l = e.rid() == null ? null : p.camera.byRid(e.rid());
                    if (!e.active() && l != null && l.live(nowNanos) && p.layersIgnored.getAndIncrement() == 0) {
                        LOG.info("room '{}': {} still sends layer {} after switching it off (counted, not logged again)", roomId, p, l);
                    }
                }
            }
        }
    }

    /**
     * Dynamic resolution on (default) or off: off, every camera is asked for every layer as if everyone watched
     * it (what browsers send without a server that steers them; for comparisons and troubleshooting).
     */
    void setDynamicResolution(boolean on) {
        this.dynamic = on;
    }

    boolean dynamicResolution() {
        return dynamic;
    }

    /** The client applied (or failed to apply) the send constraints of {@code version}. */
    void applied(Peer p, int version, String error) throws RoomException {
        if (version > p.constraints.version()) {
            throw new RoomException("bad_message", "no send constraints with version " + version + " were sent (last "
                    + p.constraints.version() + ")");
        }
        if (error != null && !error.isBlank()) {
            LOG.info("room '{}': {} could not apply send constraints v{}: {}", roomId, p, version, error);
        }
        if (version > p.constraintsAckedVersion) {
            p.constraintsAckedVersion = version;
            p.constraintsAckedMillis = System.currentTimeMillis();
        }
    }

    private static Peer byId(Collection<Peer> peers, String id) {
        for (Peer p : peers) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }
}
