package io.ams.sfu.room;

/** A refused control request; {@code code} is the signaling error code (docs/SIGNALING.md). */
public class RoomException extends Exception {
    private final String code;

    public RoomException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
