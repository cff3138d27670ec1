package io.ams.sfu.room;

import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.layers.SenderConstraints;
import io.ams.sfu.relay.StreamRewriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the control API and tests see of one participant's camera: its layers and which layer goes where. */
final class PeerSnapshots {
    private PeerSnapshots() {
    }

    /** How {@code q} hears the others (see {@link MixedAudioControl}). */
    static RoomSnapshot.AudioSnapshot audio(Peer q, MixedAudioIn in, long nowNanos) {
        MixedAudio m = q.mixedAudio;
        return new RoomSnapshot.AudioSnapshot(MixedAudioControl.modeOf(q).wire(), m != null, m != null && m.negotiated,
                in.ssrcOf(q.id), m == null ? 0 : m.sent.get(), q.audioToEngine.get(), m == null ? -1 : m.engineAgeMillis(nowNanos));
    }

    /** {@code q}'s camera layers, the layer the engine decodes, and the layer of {@code mainSource} relayed to q. */
    static RoomSnapshot.CameraSnapshot camera(Peer q, Peer mainSource, long nowNanos) {
        List<RoomSnapshot.LayerSnapshot> layers = new ArrayList<>();
        for (CameraLayer l : q.camera.all()) {
            boolean requested = true;
            for (SenderConstraints.Encoding e : q.constraintsSent) {
                if (Objects.equals(e.rid(), l.rid())) {
                    requested = e.active();
                }
            }
            layers.add(new RoomSnapshot.LayerSnapshot(l.rid(), l.ssrc(), l.width(), l.height(), l.bitrateBps(),
                    l.live(nowNanos), l.packets(), l.keyframes(), requested));
        }
        return new RoomSnapshot.CameraSnapshot(layers, layerName(q, q.engineRewriter.currentSource()),
                mainSource == null ? null : layerName(mainSource, q.mainRewriter.currentSource()), q.constraints.version(),
                q.constraintsAckedVersion, q.constraintsUnanswered.get(), q.layersIgnored.get(), q.rtxUnknown.get(),
                q.paddingIn.get(), q.camera.unknownRid());
    }

    private static String layerName(Peer src, long ssrc) {
        if (ssrc == StreamRewriter.NONE) {
            return null;
        }
        CameraLayer l = src.camera.bySsrc(ssrc);
        return l == null ? null : l.rid() == null ? "single" : l.rid();
    }
}
