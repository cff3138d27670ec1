package io.ams.sfu.access;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open room's access state: whether it is locked (and by whom), who is seated, and which tokens it
 * has admitted since it opened. A locked room admits hosts and tokens it admitted before (a member whose
 * connection dropped rejoins by itself), nobody new. Thread-safe without a lock, so that reading it never
 * waits on anything (the room reads roles while announcing participants under its own lock).
 */
final class RoomAccess {
    private volatile boolean locked;
    private volatile String lockedBy;
    private final Map<String, Seat> seats = new ConcurrentHashMap<>();
    private final Set<String> admittedTokens = ConcurrentHashMap.newKeySet();

    boolean locked() {
        return locked;
    }

    String lockedBy() {
        return lockedBy;
    }

    void lock(boolean on, String by) {
        lockedBy = on ? by : null;
        locked = on;
    }

    boolean admittedBefore(String tokenId) {
        return admittedTokens.contains(tokenId);
    }

    void seat(Seat s) {
        admittedTokens.add(s.tokenId());
        seats.put(s.participantId(), s);
    }

    void unseat(String participantId) {
        seats.remove(participantId);
    }

    /** Forgets a revoked token, so that a lock no longer lets it back in (the revocation refuses it anyway). */
    void forget(String tokenId) {
        admittedTokens.remove(tokenId);
    }

    boolean empty() {
        return seats.isEmpty();
    }

    Seat seat(String participantId) {
        return seats.get(participantId);
    }

    List<Seat> seats() {
        return List.copyOf(seats.values());
    }
}
