package io.ams.engine.room;

import io.ams.engine.ingest.ParticipantIngress;
import io.ams.rtp.VideoCodec;

/**
 * A participant of a room: identity, what it sends, and its ingress (owned: closed by the room
 * when the participant is removed); {@code audio} (null: sends no audio) is owned by the room's
 * audio mix, {@code mixAudioSsrc} is the SSRC of the mixed audio sent for the participant.
 */
public record Participant(String id, String displayName, VideoCodec codec, int payloadType, long requiredSsrc,
                          ParticipantIngress ingress, String rtpHost, int rtpPort, int audioPayloadType,
                          io.ams.engine.audio.AudioSource audio, long mixAudioSsrc) {
}
