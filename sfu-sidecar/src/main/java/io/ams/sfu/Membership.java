package io.ams.sfu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ams.sfu.access.AccessControl;
import io.ams.sfu.access.Seat;
import io.ams.sfu.access.SeatChannel;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One signaling session's place in a room (the session's attachment once it has joined): its room
 * membership, its seat (role, token), and the access-control news for its client. Leaving happens once,
 * whoever asks first: the client (leave, a closed WebSocket), the room (media failed) or a host (removal).
 * A removal may come from a gRPC thread: it is queued on the room's lane, where the room's control runs.
 */
final class Membership implements SeatChannel {
    private final SignalingSession session;
    private final RoomRegistry rooms;
    private final AccessControl access;
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile RoomRegistry.Joined joined; // set once, right after the join
    private volatile Seat seat;

    Membership(SignalingSession session, RoomRegistry rooms, AccessControl access) {
        this.session = session;
        this.rooms = rooms;
        this.access = access;
    }

    /** Completes the membership after the room admitted the participant; the seat's channel is this. */
    void joined(RoomRegistry.Joined j, Seat s) {
        this.joined = j;
        this.seat = s;
    }

    RoomRegistry.Joined room() {
        return joined;
    }

    Seat seat() {
        return seat;
    }

    String roomId() {
        return joined.room().id();
    }

    /** Out of the room and its access state, once; the session is detached. False if it had left already. */
    boolean leave(String reason) {
        if (!gone.compareAndSet(false, true)) {
            return false;
        }
        session.attach(null);
        access.unseat(roomId(), seat.participantId());
        rooms.leave(joined, reason);
        return true;
    }

    @Override
    public void locked(boolean locked, String by) {
        ObjectNode o = SignalingServer.message("room-locked");
        o.put("locked", locked);
        o.put("by", by);
        session.send(o);
    }

    @Override
    public void askedToMute(String by) {
        ObjectNode o = SignalingServer.message("mute-requested");
        o.put("by", by);
        session.send(o);
    }

    @Override
    public void end(String code, String words) {
        Runnable ending = () -> {
            if (!leave(code)) {
                return; // it had left already
            }
            session.send(SignalingServer.error(code, words));
            ObjectNode bye = SignalingServer.message("bye");
            bye.put("reason", code);
            session.send(bye);
            session.close(code);
        };
        try {
            joined.room().lane().execute(ending);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ending.run(); // the lane is full or closing: end it here rather than leave it seated
        }
    }
}
