package io.ams.sfu.room;

import java.util.List;

/** A room's state and counters at one moment (control API, logs, tests). */
public record RoomSnapshot(String id, List<PeerSnapshot> peers, String mainSpeaker, String previousSpeaker,
                           String pinnedSpeaker, boolean mixAvailable, long mixPackets, long mixDropped,
                           long speakerSwitches, long mixWrongSender, String mixSender, MixedAudioSnapshot mixedAudio) {
    public record PeerSnapshot(String id, String name, String transport, String mainSource, String pinned,
                               long rtpIn, long rtpDropped, long forwarded, long rtcpIn, long rtcpMalformed,
                               long nacksAnswered, long nacksMissed, long plisSent, long keyframeRequestsIn,
                               long joinedAtMillis, long nacksSent, long uplinkRecovered, long uplinkLost,
                               CameraSnapshot camera, io.ams.sfu.bwe.BweStats bwe, AudioSnapshot audio) {
    }

    /**
     * A receiver's audio delivery: {@code mode} "mixed" or "forwarded"; whether its mixed-audio slot exists and is
     * negotiated; the engine's SSRC of its mix (0 unknown); mixed packets sent to it; its own Opus packets sent
     * to the engine; ms since the engine's last packet of its mix (-1 none yet).
     */
    public record AudioSnapshot(String mode, boolean mixedSlot, boolean mixedNegotiated, long engineMixSsrc, long mixedSent,
                                long toEngine, long engineAgeMillis) {
    }

    /**
     * The room's audio delivery: the threshold (-1 never, 0 always), whether the room is over it, and the
     * mix socket's audio counters: packets, dropped for an SSRC no participant has had for 1 s, for one not (yet)
     * claimed within 1 s (the engine sends a moment before AddParticipant's answer arrives), arrived before a slot
     * existed, for a participant who left (or a mix SSRC the engine replaced) within 5 s, RTP with neither payload
     * type 96 nor 111, and receivers switched between modes.
     */
    public record MixedAudioSnapshot(int threshold, boolean roomMixed, long packets, long unknownSsrc, long early, long noSlot,
                                     long retired, long wrongPayloadType, long switches) {
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
