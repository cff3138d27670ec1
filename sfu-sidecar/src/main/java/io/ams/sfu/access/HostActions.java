package io.ams.sfu.access;

import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import io.ams.sfu.auth.TokenRevocations;
import io.ams.sfu.room.RoomRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a host (signaling) or the operator (gRPC) may do to a room: lock or unlock it, remove a
 * participant (its token is revoked, so the same link cannot bring it back), ask one to mute, and,
 * the operator only, revoke a token by id. Every argument is checked and every refusal says why
 * ({@link AccessException}); nothing here can break the room.
 */
public final class HostActions {
    private static final Logger LOG = LoggerFactory.getLogger(HostActions.class);
    static final Pattern PARTICIPANT_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /**
     * Who acts: a seated participant ({@code participantId} set), the holder of a host token given to the
     * control API, or the operator ({@code tokenId} null), who may act in every room.
     */
    public record Actor(String name, String roomId, Role role, String tokenId, String participantId) {
        public static Actor operator() {
            return new Actor("the operator", null, Role.HOST, null, null);
        }

        public static Actor seated(String roomId, Seat s) {
            return new Actor(s.name(), roomId, s.role(), s.tokenId(), s.participantId());
        }

        /** The holder of a verified token, acting through the control API. */
        public static Actor holder(JoinTokens.Claims c) {
            return new Actor(c.name(), c.room(), c.role(), c.tokenId(), null);
        }

        boolean isOperator() {
            return tokenId == null;
        }
    }

    /** A revoked token and the participants whose sessions it ended, as "ROOM/PARTICIPANT". */
    public record Revoked(String tokenId, List<String> ended, boolean persisted) {
    }

    private final AccessControl access;
    private final TokenRevocations revocations;

    public HostActions(AccessControl access) {
        this.access = access;
        this.revocations = access.revocations();
    }

    /** Locks ({@code on}) or unlocks {@code roomId}; everyone in it is told. */
    public void lock(Actor a, String roomId, boolean on) throws AccessException {
        checkRoomId(roomId);
        authorize(a, roomId, on ? "lock the room" : "unlock the room");
        if (!access.setLocked(roomId, on, a.name())) {
            throw roomNotOpen(roomId);
        }
        access.lockChanges.incrementAndGet();
        LOG.info("room '{}': {} by {}", roomId, on ? "locked" : "unlocked", a.name());
        for (Seat s : access.seats(roomId)) {
            s.channel().locked(on, a.name());
        }
    }

    /** Where a host's recording wish goes (the engine link): false if the room is not open. */
    @FunctionalInterface
    public interface RecordingSwitch {
        boolean set(String roomId, boolean on, String by);
    }

    /** Starts ({@code on}) or stops the room's recording; everyone in the room sees it once the engine records. */
    public void record(Actor a, String roomId, boolean on, RecordingSwitch engine) throws AccessException {
        checkRoomId(roomId);
        authorize(a, roomId, on ? "start recording" : "stop recording");
        if (!engine.set(roomId, on, a.name())) {
            throw roomNotOpen(roomId);
        }
        LOG.info("room '{}': recording {} asked by {}", roomId, on ? "start" : "stop", a.name());
    }

    /** Removes {@code participantId} from {@code roomId} and revokes its token (so its link cannot rejoin). */
    public Revoked remove(Actor a, String roomId, String participantId) throws AccessException {
        checkRoomId(roomId);
        authorize(a, roomId, "remove a participant");
        Seat s = target(a, roomId, participantId, "remove");
        boolean persisted = revocations.revoke(s.tokenId(), s.tokenExpiresAt(), "removed from room '" + roomId + "' by " + a.name());
        access.forgetToken(roomId, s.tokenId());
        access.removals.incrementAndGet();
        LOG.info("room '{}': {} ({}) removed by {}; token {} revoked", roomId, s.participantId(), s.name(), a.name(), s.tokenId());
        return new Revoked(s.tokenId(), end(s.tokenId(), "removed", "You were removed from the meeting by " + a.name()
                + ". This link no longer admits you."), persisted);
    }

    /** Asks {@code participantId} to mute its microphone (the web client mutes and says who asked). */
    public Seat askToMute(Actor a, String roomId, String participantId) throws AccessException {
        checkRoomId(roomId);
        authorize(a, roomId, "ask a participant to mute");
        Seat s = target(a, roomId, participantId, "ask to mute");
        access.muteRequests.incrementAndGet();
        LOG.info("room '{}': {} asks {} ({}) to mute", roomId, a.name(), s.participantId(), s.name());
        s.channel().askedToMute(a.name());
        return s;
    }

    /**
     * Revokes the token {@code tokenId} (the operator's call): it admits nobody any more, and whoever is in
     * a room with it now is disconnected and told.
     */
    public Revoked revoke(String tokenId, String reason) throws AccessException {
        if (tokenId == null || !JoinTokens.TOKEN_ID.matcher(tokenId).matches()) {
            throw new AccessException(AccessException.Kind.INVALID_ARGUMENT, "bad_message", "token id '"
                    + (tokenId == null ? "" : tokenId) + "' is not 1-64 of A-Z a-z 0-9 _ - (ams ctl token prints it)");
        }
        String why = reason == null || reason.isBlank() ? "revoked by the operator" : reason.strip();
        boolean persisted = revocations.revoke(tokenId, null, why);
        access.tokensRevoked.incrementAndGet();
        LOG.info("token {} revoked: {}", tokenId, why);
        return new Revoked(tokenId, end(tokenId, "token_revoked", "Your join link was revoked (" + why
                + "); you have been disconnected."), persisted);
    }

    /** Ends every seat holding {@code tokenId}; the names of those ended. */
    private List<String> end(String tokenId, String code, String words) {
        List<String> ended = new ArrayList<>();
        for (Map.Entry<String, Seat> e : access.seatsWithToken(tokenId)) {
            access.unseat(e.getKey(), e.getValue().participantId());
            e.getValue().channel().end(code, words);
            ended.add(e.getKey() + "/" + e.getValue().participantId());
        }
        return ended;
    }

    private void authorize(Actor a, String roomId, String what) throws AccessException {
        if (a.isOperator()) {
            return;
        }
        String refusal = null;
        if (!roomId.equals(a.roomId())) {
            refusal = "the host token is for room '" + a.roomId() + "', not '" + roomId + "'";
        } else if (a.role() != Role.HOST) {
            refusal = "only a host can " + what + "; " + a.name() + " joined as a participant";
        } else {
            TokenRevocations.Revocation r = revocations.find(a.tokenId());
            if (r != null) {
                refusal = "the host link of " + a.name() + " was revoked (" + r.reason() + "): host controls are refused";
            }
        }
        if (refusal != null) {
            access.hostActionsRefused.incrementAndGet();
            LOG.info("room '{}': {} refused to {}: {}", roomId, what, a.name(), refusal);
            throw new AccessException(AccessException.Kind.PERMISSION_DENIED, "not_host", refusal);
        }
    }

    private Seat target(Actor a, String roomId, String participantId, String what) throws AccessException {
        if (participantId == null || !PARTICIPANT_ID.matcher(participantId).matches()) {
            throw new AccessException(AccessException.Kind.INVALID_ARGUMENT, "bad_message",
                    "'" + what + "' needs a participant id (p1, p2, ...), got '" + (participantId == null ? "" : participantId) + "'");
        }
        if (participantId.equals(a.participantId())) {
            throw new AccessException(AccessException.Kind.INVALID_ARGUMENT, "bad_message", "you cannot " + what
                    + " yourself" + (what.equals("remove") ? ": leave instead" : ": use your own Mute button"));
        }
        Seat s = access.seat(roomId, participantId);
        if (s == null) {
            if (access.seats(roomId).isEmpty()) {
                throw roomNotOpen(roomId);
            }
            throw new AccessException(AccessException.Kind.NOT_FOUND, "participant_unknown",
                    "participant '" + participantId + "' is not in room '" + roomId + "' (it may have left)");
        }
        return s;
    }

    private static void checkRoomId(String roomId) throws AccessException {
        if (roomId == null || !RoomRegistry.ROOM_ID.matcher(roomId).matches()) {
            throw new AccessException(AccessException.Kind.INVALID_ARGUMENT, "bad_message", "room id '"
                    + (roomId == null ? "" : roomId) + "' is not valid: 1-64 of A-Z a-z 0-9 . _ -");
        }
    }

    private static AccessException roomNotOpen(String roomId) {
        return new AccessException(AccessException.Kind.NOT_FOUND, "room_unknown", "room '" + roomId
                + "' is not open (nobody is in it)");
    }
}
