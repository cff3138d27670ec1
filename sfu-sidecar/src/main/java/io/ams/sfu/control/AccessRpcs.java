package io.ams.sfu.control;

import io.ams.proto.v1.LockSfuRoomRequest;
import io.ams.proto.v1.MuteSfuParticipantRequest;
import io.ams.proto.v1.RemoveSfuParticipantRequest;
import io.ams.proto.v1.RevokeTokenRequest;
import io.ams.proto.v1.RevokeTokenResponse;
import io.ams.proto.v1.SfuAccessStats;
import io.ams.sfu.access.AccessControl;
import io.ams.sfu.access.AccessException;
import io.ams.sfu.access.HostActions;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.TokenException;
import io.grpc.Status;

/**
 * The access-control calls of ams.v1.Sfu, translated to {@link HostActions} and back: who acts (the
 * operator, or the holder of {@code host_token}), and each refusal as the gRPC status it deserves.
 */
final class AccessRpcs {
    private final HostActions host;
    private final AccessControl access;
    private final JoinTokens tokens;

    AccessRpcs(AccessControl access, JoinTokens tokens) {
        this.access = access;
        this.host = new HostActions(access);
        this.tokens = tokens;
    }

    void lock(LockSfuRoomRequest r) {
        call(() -> host.lock(actor(r.getHostToken(), r.getRoomId()), r.getRoomId(), r.getLocked()));
    }

    RevokeTokenResponse remove(RemoveSfuParticipantRequest r) {
        HostActions.Revoked[] out = new HostActions.Revoked[1];
        call(() -> out[0] = host.remove(actor(r.getHostToken(), r.getRoomId()), r.getRoomId(), r.getParticipantId()));
        return toProto(out[0]);
    }

    void mute(MuteSfuParticipantRequest r) {
        call(() -> host.askToMute(actor(r.getHostToken(), r.getRoomId()), r.getRoomId(), r.getParticipantId()));
    }

    RevokeTokenResponse revoke(RevokeTokenRequest r) {
        HostActions.Revoked[] out = new HostActions.Revoked[1];
        call(() -> out[0] = host.revoke(r.getTokenId(), r.getReason()));
        return toProto(out[0]);
    }

    SfuAccessStats stats() {
        AccessControl.Stats s = access.stats();
        return SfuAccessStats.newBuilder().setJoinsRefused(s.joinsRefused()).setJoinsRefusedLocked(s.joinsRefusedLocked())
                .setJoinsRefusedRevoked(s.joinsRefusedRevoked()).setParticipantsRemoved(s.participantsRemoved())
                .setMuteRequests(s.muteRequests()).setLockChanges(s.lockChanges()).setHostActionsRefused(s.hostActionsRefused())
                .setTokensRevoked(s.tokensRevoked()).setRevokedTokens(s.revokedTokens()).build();
    }

    /** The operator, or the holder of a host token for {@code roomId} (checked by HostActions). */
    private HostActions.Actor actor(String hostToken, String roomId) throws AccessException {
        if (hostToken.isEmpty()) {
            return HostActions.Actor.operator();
        }
        try {
            return HostActions.Actor.holder(tokens.verify(hostToken, roomId));
        } catch (TokenException e) {
            throw new AccessException(AccessException.Kind.PERMISSION_DENIED, "not_host", "host_token refused: " + e.getMessage());
        }
    }

    private static RevokeTokenResponse toProto(HostActions.Revoked r) {
        return RevokeTokenResponse.newBuilder().setTokenId(r.tokenId()).addAllEnded(r.ended()).setPersisted(r.persisted()).build();
    }

    private interface Action {
        void run() throws AccessException;
    }

    /** Runs {@code a}; a refusal becomes a StatusRuntimeException with its words. */
    private static void call(Action a) {
        try {
            a.run();
        } catch (AccessException e) {
            throw status(e).withDescription(e.getMessage()).asRuntimeException();
        } catch (IllegalStateException e) {
            throw Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    private static Status status(AccessException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case PERMISSION_DENIED, REFUSED -> Status.PERMISSION_DENIED;
        };
    }
}
