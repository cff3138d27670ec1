package io.ams.sfu.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import io.ams.sfu.auth.TokenException;
import io.ams.sfu.auth.TokenRevocations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Admission, locking, removal, mute requests and revocation, with fake clients (no sockets). */
class HostActionsTest {
    static final String ROOM = "standup";
    final JoinTokens tokens = new JoinTokens("0123456789abcdef0123456789abcdef".getBytes());
    final AccessControl access = new AccessControl(TokenRevocations.inMemory(Clock.systemUTC()));
    final HostActions host = new HostActions(access);
    int nextId;

    /** What a client was told. */
    static final class FakeClient implements SeatChannel {
        final List<String> heard = new ArrayList<>();

        @Override
        public void locked(boolean locked, String by) {
            heard.add((locked ? "locked by " : "unlocked by ") + by);
        }

        @Override
        public void askedToMute(String by) {
            heard.add("mute asked by " + by);
        }

        @Override
        public void end(String code, String words) {
            heard.add(code + ": " + words);
        }
    }

    record Joined(JoinTokens.Claims claims, Seat seat, FakeClient client) {
        HostActions.Actor actor() {
            return HostActions.Actor.seated(ROOM, seat);
        }
    }

    JoinTokens.Claims token(String name, Role role) throws TokenException {
        return tokens.verify(tokens.issue(ROOM, name, Duration.ofMinutes(10), role).token(), ROOM);
    }

    Joined join(JoinTokens.Claims c) throws Exception {
        access.admit(c);
        FakeClient client = new FakeClient();
        Seat s = new Seat("p" + (++nextId), c.name(), c.role(), c.tokenId(), c.expiresAt(), client);
        access.seat(ROOM, s);
        return new Joined(c, s, client);
    }

    @Test
    void aLockedRoomRefusesNewcomersButAdmitsHostsAndThoseAlreadyAdmitted() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        host.lock(ada.actor(), ROOM, true);
        assertThat(access.locked(ROOM)).isTrue();
        assertThat(bob.client().heard).containsExactly("locked by Ada");
        assertThat(ada.client().heard).containsExactly("locked by Ada");

        JoinTokens.Claims carol = token("Carol", Role.PARTICIPANT);
        assertThatThrownBy(() -> access.admit(carol)).isInstanceOf(AccessException.class)
                .hasMessage("room 'standup' was locked by Ada: nobody new can join now. Ask the host to unlock it.")
                .extracting(e -> ((AccessException) e).code()).isEqualTo("room_locked");
        // Bob's connection dropped: he rejoins with the same link; a second host gets in too
        access.unseat(ROOM, bob.seat().participantId());
        access.admit(bob.claims());
        access.admit(token("Grace", Role.HOST));

        host.lock(HostActions.Actor.operator(), ROOM, false);
        access.admit(carol);
        assertThat(ada.client().heard).containsExactly("locked by Ada", "unlocked by the operator");
        assertThat(access.stats().joinsRefusedLocked()).isEqualTo(1);
        assertThat(access.stats().lockChanges()).isEqualTo(2);
    }

    @Test
    void aRemovedParticipantIsToldAndItsTokenNoLongerAdmits() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        HostActions.Revoked r = host.remove(ada.actor(), ROOM, bob.seat().participantId());
        assertThat(r.tokenId()).isEqualTo(bob.claims().tokenId());
        assertThat(r.ended()).containsExactly(ROOM + "/" + bob.seat().participantId());
        assertThat(bob.client().heard).containsExactly("removed: You were removed from the meeting by Ada. This link no longer admits you.");
        assertThat(access.seat(ROOM, bob.seat().participantId())).isNull();
        assertThatThrownBy(() -> access.admit(bob.claims())).isInstanceOf(TokenException.class)
                .hasMessageContaining("removed from room 'standup' by Ada")
                .extracting(e -> ((TokenException) e).code()).isEqualTo("token_revoked");
        assertThat(access.stats().joinsRefusedRevoked()).isEqualTo(1);
        assertThat(access.stats().participantsRemoved()).isEqualTo(1);
    }

    @Test
    void aParticipantsHostActionsAreRefusedAndChangeNothing() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        for (ThrowingAction a : List.<ThrowingAction>of(
                () -> host.lock(bob.actor(), ROOM, true),
                () -> host.remove(bob.actor(), ROOM, ada.seat().participantId()),
                () -> host.askToMute(bob.actor(), ROOM, ada.seat().participantId()))) {
            assertThatThrownBy(a::run).isInstanceOf(AccessException.class).hasMessageContaining("only a host can")
                    .extracting(e -> ((AccessException) e).kind()).isEqualTo(AccessException.Kind.PERMISSION_DENIED);
        }
        assertThat(access.locked(ROOM)).isFalse();
        assertThat(access.seats(ROOM)).hasSize(2);
        assertThat(ada.client().heard).isEmpty();
        assertThat(access.stats().hostActionsRefused()).isEqualTo(3);
    }

    @Test
    void aRevokedHostTokenIsRefusedForHostActions() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        access.revocations().revoke(ada.claims().tokenId(), null, "revoked by the operator");
        assertThatThrownBy(() -> host.remove(ada.actor(), ROOM, bob.seat().participantId()))
                .isInstanceOf(AccessException.class).hasMessageContaining("host link of Ada was revoked (revoked by the operator)");
        assertThat(access.seat(ROOM, bob.seat().participantId())).isNotNull();
        // a host token for another room does not reach this one
        JoinTokens.Claims other = tokens.verify(tokens.issue("other", "Mallory", Duration.ofMinutes(5), Role.HOST).token(), "other");
        assertThatThrownBy(() -> host.lock(HostActions.Actor.holder(other), ROOM, true))
                .hasMessageContaining("the host token is for room 'other', not 'standup'");
    }

    @Test
    void unknownParticipantsRoomsAndBadIdsGetClearErrors() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        assertThatThrownBy(() -> host.remove(ada.actor(), ROOM, "p99")).isInstanceOf(AccessException.class)
                .hasMessage("participant 'p99' is not in room 'standup' (it may have left)")
                .extracting(e -> ((AccessException) e).kind()).isEqualTo(AccessException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> host.askToMute(ada.actor(), ROOM, null)).hasMessageContaining("needs a participant id")
                .extracting(e -> ((AccessException) e).kind()).isEqualTo(AccessException.Kind.INVALID_ARGUMENT);
        assertThatThrownBy(() -> host.remove(ada.actor(), ROOM, ada.seat().participantId())).hasMessageContaining("leave instead");
        assertThatThrownBy(() -> host.lock(HostActions.Actor.operator(), "empty-room", true))
                .hasMessageContaining("'empty-room' is not open").extracting(e -> ((AccessException) e).code()).isEqualTo("room_unknown");
        assertThatThrownBy(() -> host.lock(HostActions.Actor.operator(), "../x", true))
                .extracting(e -> ((AccessException) e).kind()).isEqualTo(AccessException.Kind.INVALID_ARGUMENT);
        assertThatThrownBy(() -> host.revoke("not an id", null))
                .extracting(e -> ((AccessException) e).kind()).isEqualTo(AccessException.Kind.INVALID_ARGUMENT);
        assertThat(ada.client().heard).isEmpty();
    }

    @Test
    void aMuteRequestReachesOnlyItsTarget() throws Exception {
        Joined ada = join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        Joined eve = join(token("Eve", Role.PARTICIPANT));
        host.askToMute(ada.actor(), ROOM, bob.seat().participantId());
        assertThat(bob.client().heard).containsExactly("mute asked by Ada");
        assertThat(eve.client().heard).isEmpty();
        assertThat(access.stats().muteRequests()).isEqualTo(1);
    }

    @Test
    void revokingATokenByIdEndsTheSessionsThatUseIt() throws Exception {
        join(token("Ada", Role.HOST));
        Joined bob = join(token("Bob", Role.PARTICIPANT));
        HostActions.Revoked r = host.revoke(bob.claims().tokenId(), "link leaked");
        assertThat(r.ended()).containsExactly(ROOM + "/" + bob.seat().participantId());
        assertThat(bob.client().heard).singleElement().asString().startsWith("token_revoked: Your join link was revoked (link leaked)");
        assertThatThrownBy(() -> access.admit(bob.claims())).hasMessageContaining("link leaked");
        // the access state of a room goes with its last participant
        access.seats(ROOM).forEach(s -> access.unseat(ROOM, s.participantId()));
        assertThat(access.seats(ROOM)).isEmpty();
        assertThat(access.locked(ROOM)).isFalse();
    }

    interface ThrowingAction {
        void run() throws Exception;
    }
}
