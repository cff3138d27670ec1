package io.ams.sfu.engine;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/** What the engine has of one room, as far as the link knows (the link's thread only). */
final class EngineRoom {
    final InetSocketAddress mixTarget;
    final Set<String> participants = new HashSet<>();
    String mainSpeaker = "";
    /** Participants the engine was told have their camera off (a participant added anew starts with it on). */
    final Set<String> videoMuted = new HashSet<>();
    boolean ready;
    /** SetAudioOutput done for this room (in this engine incarnation). */
    boolean audioOutput;
    long contentVersion;     // the RoomWish.Content version the engine shows (0: none sent)
    String recordingId;      // the recording this link started, while it runs
    String reportedRecording = ""; // "" none, else who started the running one (as told to the listener)

    EngineRoom(InetSocketAddress mixTarget) {
        this.mixTarget = mixTarget;
    }
}
