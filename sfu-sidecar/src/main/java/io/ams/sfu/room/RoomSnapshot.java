package io.ams.sfu.room;

import java.util.List;

/** A room's state and counters at one moment (control API, logs, tests). */
public record RoomSnapshot(String id, List<PeerSnapshot> peers, String mainSpeaker, String previousSpeaker,
                           String pinnedSpeaker, boolean mixAvailable, long mixPackets, long mixDropped,
                           long speakerSwitches) {
    public record PeerSnapshot(String id, String name, String transport, String mainSource, String pinned,
                               long rtpIn, long rtpDropped, long forwarded, long rtcpIn, long rtcpMalformed,
                               long nacksAnswered, long nacksMissed, long plisSent, long keyframeRequestsIn,
                               long joinedAtMillis, long nacksSent, long uplinkRecovered, long uplinkLost,
                               io.ams.sfu.bwe.BweStats bwe) {
    }
}
