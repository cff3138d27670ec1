package io.ams.sfu.access;

import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import io.ams.sfu.auth.TokenException;
import io.ams.sfu.auth.TokenRevocations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may enter which room, and who sits there with which role. A join with a valid token is admitted
 * unless the token was revoked (a removed participant's, or one an operator revoked) or the room is
 * locked and the token is new to it (hosts always enter). Access state lives while a room has people
 * seated and is forgotten with its last one, like the room itself. Thread-safe; never calls out while
 * holding anything.
 */
public final class AccessControl {
    private final TokenRevocations revocations;
    private final Map<String, RoomAccess> rooms = new ConcurrentHashMap<>();
    private final AtomicLong joinsRefused = new AtomicLong();
    private final AtomicLong refusedLocked = new AtomicLong();
    private final AtomicLong refusedRevoked = new AtomicLong();
    final AtomicLong removals = new AtomicLong();
    final AtomicLong muteRequests = new AtomicLong();
    final AtomicLong lockChanges = new AtomicLong();
    final AtomicLong hostActionsRefused = new AtomicLong();
    final AtomicLong tokensRevoked = new AtomicLong();

    /** Counters for the control API (ams.v1.Sfu ListRooms). */
    public record Stats(long joinsRefused, long joinsRefusedLocked, long joinsRefusedRevoked, long participantsRemoved, long muteRequests,
                        long lockChanges, long hostActionsRefused, long tokensRevoked, int revokedTokens) {
    }

    public AccessControl(TokenRevocations revocations) {
        this.revocations = revocations;
    }

    TokenRevocations revocations() {
        return revocations;
    }

    /**
     * Whether {@code claims} (a verified token) may enter its room now.
     *
     * @throws TokenException  the token was revoked (code token_revoked)
     * @throws AccessException the room is locked and the token is new to it (code room_locked)
     */
    public void admit(JoinTokens.Claims claims) throws TokenException, AccessException {
        try {
            revocations.check(claims);
        } catch (TokenException e) {
            refusedRevoked.incrementAndGet();
            throw e;
        }
        RoomAccess r = rooms.get(claims.room());
        if (r != null && r.locked() && !claims.host() && !r.admittedBefore(claims.tokenId())) {
            refusedLocked.incrementAndGet();
            throw new AccessException(AccessException.Kind.REFUSED, "room_locked", "room '" + claims.room()
                    + "' was locked by " + r.lockedBy() + ": nobody new can join now. Ask the host to unlock it.");
        }
    }

    /** Counts a join that was not admitted, for whatever reason (token, lock, revocation, a full room). */
    public void joinRefused() {
        joinsRefused.incrementAndGet();
    }

    /** {@code s} has joined {@code roomId} (after {@link #admit}). */
    public void seat(String roomId, Seat s) {
        rooms.compute(roomId, (id, r) -> {
            RoomAccess a = r == null ? new RoomAccess() : r;
            a.seat(s);
            return a;
        });
    }

    /** The participant left (or was removed); the room's access state goes with its last participant. */
    public void unseat(String roomId, String participantId) {
        rooms.computeIfPresent(roomId, (id, r) -> {
            r.unseat(participantId);
            return r.empty() ? null : r;
        });
    }

    /** The seat of {@code participantId} in {@code roomId}, or null. */
    public Seat seat(String roomId, String participantId) {
        RoomAccess r = rooms.get(roomId);
        return r == null ? null : r.seat(participantId);
    }

    /** Its role, PARTICIPANT for anyone not seated. */
    public Role roleOf(String roomId, String participantId) {
        Seat s = seat(roomId, participantId);
        return s == null ? Role.PARTICIPANT : s.role();
    }

    public boolean locked(String roomId) {
        RoomAccess r = rooms.get(roomId);
        return r != null && r.locked();
    }

    /** Who locked it, null when it is not locked. */
    public String lockedBy(String roomId) {
        RoomAccess r = rooms.get(roomId);
        return r == null || !r.locked() ? null : r.lockedBy();
    }

    /** Everyone seated in {@code roomId}; empty for a room nobody is in. */
    public List<Seat> seats(String roomId) {
        RoomAccess r = rooms.get(roomId);
        return r == null ? List.of() : r.seats();
    }

    /** Every seat, in every room, that holds token {@code tokenId}, as (room id, seat). */
    List<Map.Entry<String, Seat>> seatsWithToken(String tokenId) {
        List<Map.Entry<String, Seat>> out = new ArrayList<>();
        rooms.forEach((id, r) -> {
            for (Seat s : r.seats()) {
                if (s.tokenId().equals(tokenId)) {
                    out.add(Map.entry(id, s));
                }
            }
        });
        return out;
    }

    /** Locks or unlocks an open room; false if nobody is in {@code roomId}. */
    boolean setLocked(String roomId, boolean on, String by) {
        RoomAccess r = rooms.get(roomId);
        if (r == null) {
            return false;
        }
        r.lock(on, by);
        return true;
    }

    void forgetToken(String roomId, String tokenId) {
        RoomAccess r = rooms.get(roomId);
        if (r != null) {
            r.forget(tokenId);
        }
    }

    public Stats stats() {
        return new Stats(joinsRefused.get(), refusedLocked.get(), refusedRevoked.get(), removals.get(), muteRequests.get(), lockChanges.get(),
                hostActionsRefused.get(), tokensRevoked.get(), revocations.size());
    }
}
