package io.ams.sfu.room;

/**
 * Whether a receiver hears forwarded audio (one stream per other participant, the lowest latency) or one
 * mixed stream from the engine (docs/DESIGN.md "Audio delivery"). Pure functions; the room applies them.
 */
final class AudioDelivery {
    enum Mode {
        FORWARDED, MIXED;

        String wire() {
            return this == MIXED ? "mixed" : "forwarded";
        }
    }

    private AudioDelivery() {
    }

    /**
     * Whether a room of {@code participants} delivers mixed audio: above the threshold (issue 9: "for rooms above a
     * threshold, default 6 participants": 7 are mixed, 6 forwarded); 0 always, -1 never.
     */
    static boolean roomMixed(int threshold, int participants) {
        return threshold == 0 || threshold > 0 && participants > threshold;
    }

    /**
     * A receiver is on mixed audio only while its room is mixed, its mixed slot is negotiated, and the engine's
     * audio for it is flowing (fresh and steady); anything else (not over the threshold, not answered yet, the
     * engine away or short of CPU) forwards, so audio is never lost for want of the mix.
     */
    static Mode mode(boolean roomMixed, boolean slotNegotiated, boolean engineAudioFlowing) {
        return roomMixed && slotNegotiated && engineAudioFlowing ? Mode.MIXED : Mode.FORWARDED;
    }
}
