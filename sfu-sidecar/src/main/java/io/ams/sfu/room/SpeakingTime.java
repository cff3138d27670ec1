package io.ams.sfu.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How long each participant has been the room's main speaker (what the chat bot's /talktime reports). Room lock. */
final class SpeakingTime {
    /** A participant's time as main speaker. */
    public record Share(String participantId, String name, long millis) {
    }

    private final Map<String, Long> millis = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private String current;
    private long since;

    /** {@code main} (null: nobody) is the main speaker from {@code nowMillis}. */
    void mainSpeaker(String main, String name, long nowMillis) {
        close(nowMillis);
        current = main;
        since = nowMillis;
        if (main != null && name != null) {
            names.put(main, name);
        }
    }

    private void close(long nowMillis) {
        if (current != null) {
            millis.merge(current, Math.max(0, nowMillis - since), Long::sum);
        }
        since = nowMillis;
    }

    /** Everyone who spoke, longest first, counted up to {@code nowMillis}. */
    List<Share> shares(long nowMillis) {
        close(nowMillis);
        List<Share> out = new ArrayList<>();
        millis.forEach((id, ms) -> out.add(new Share(id, names.getOrDefault(id, id), ms)));
        out.sort((a, b) -> Long.compare(b.millis(), a.millis()));
        return out;
    }
}
