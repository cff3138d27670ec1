package io.ams.sfu.room;

import java.util.List;

/** A room's state and counters at one moment (control API, logs, tests). */
public record RoomSnapshot(String id, List<PeerSnapshot> peers, String mainSpeaker, String previousSpeaker,
                           String pinnedSpeaker, boolean mixAvailable, long mixPackets, long mixDropped,
                           long speakerSwitches, long mixWrongSender, String mixSender) {
    public record PeerSnapshot(String id, String name, String transport, String mainSource, String pinned,
                               long rtpIn, long rtpDropped, long forwarded, long rtcpIn, long rtcpMalformed,
                               long nacksAnswered, long nacksMissed, long plisSent, long keyframeRequestsIn,
                               long joinedAtMillis, long nacksSent, long uplinkRecovered, long uplinkLost,
                               CameraSnapshot camera, io.ams.sfu.bwe.BweStats bwe) {
    }

    /** A camera's layers and what it was asked to send. */
    public record CameraSnapshot(List<LayerSnapshot> layers, String engineLayer, String mainLayer, int constraintsVersion,
                                 int constraintsApplied, long constraintsUnanswered, long layersIgnored, long rtxUnknown,
                                 long paddingIn, long unknownRid) {
    }

    /** @param rid null for a single stream */
    public record LayerSnapshot(String rid, long ssrc, int width, int height, long bitrateBps, boolean live, long packets,
                                long keyframes, boolean requested) {
    }
}
