package io.ams.sfu.engine;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the sidecar wants the engine to have of one room (EngineLink's wish; copied for each reconcile). */
final class RoomWish {
    /**
     * A participant the engine should decode: its camera on {@code ssrc} (0: any), its Opus with the RFC 6464
     * audio level in extension {@code audioLevelExtId} (0: none negotiated).
     */
    record Participant(String id, String name, long ssrc, int audioLevelExtId) {
    }

    final String id;
    final InetSocketAddress mixTarget;
    final Map<String, Participant> participants = new LinkedHashMap<>();
    String mainSpeaker = "";
    /** Participants whose camera is off: the engine shows their name placeholder (Mixer.SetParticipantVideo). */
    final java.util.Set<String> videoMuted = new java.util.HashSet<>();
    Boolean recording;       // null: no wish (an operator's recordings are left alone)
    String recordingBy = "";
    /** Kept out of the engine for now (a 1:1 call running peer to peer): deleted there, created again when unparked. */
    boolean parked;
    /** The content tile the engine should show (a document page), null: none; version counts changes. */
    Content content;

    /** A page picture and its label; {@code version} tells a new one from the one the engine has. */
    record Content(byte[] image, String label, long version) {
    }

    RoomWish(String id, InetSocketAddress mixTarget) {
        this.id = id;
        this.mixTarget = mixTarget;
    }

    RoomWish copy() {
        RoomWish c = new RoomWish(id, mixTarget);
        c.participants.putAll(participants);
        c.mainSpeaker = mainSpeaker;
        c.videoMuted.addAll(videoMuted);
        c.recording = recording;
        c.recordingBy = recordingBy;
        c.parked = parked;
        c.content = content;
        return c;
    }
}
