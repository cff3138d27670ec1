package io.ams.sfu.room;

/** The room closed (its last participant left) while a join was on its way to it: open it again. */
final class RoomClosedException extends RoomException {
    RoomClosedException(String roomId) {
        super("room_unknown", "room '" + roomId + "' has just closed, join again");
    }
}
