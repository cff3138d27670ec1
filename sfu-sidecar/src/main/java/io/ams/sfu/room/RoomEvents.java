package io.ams.sfu.room;

import java.util.Map;

/**
 * What happens in rooms, for integrations (published over MQTT when {@code --mqtt-uri} is given): {@code
 * participant-joined}, {@code participant-left}, {@code speaker-changed}, {@code recording}. Called on the room's
 * lane; implementations must not block.
 */
@FunctionalInterface
public interface RoomEvents {
    RoomEvents NONE = (room, type, fields) -> { };

    void event(String room, String type, Map<String, String> fields);
}
