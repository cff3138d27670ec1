package io.ams.engine.room;

import io.ams.engine.ingest.ParticipantIngress;
import io.ams.rtp.VideoCodec;

/**
 * A participant of a room: identity, what it sends, and its ingress (owned: closed by the room
 * when the participant is removed).
 */
public record Participant(String id, String displayName, VideoCodec codec, int payloadType, long requiredSsrc,
                          ParticipantIngress ingress, String rtpHost, int rtpPort) {
}
