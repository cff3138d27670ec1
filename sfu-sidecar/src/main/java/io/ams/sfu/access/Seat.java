package io.ams.sfu.access;

import io.ams.sfu.auth.Role;
import java.time.Instant;

/**
 * One participant in a room as access control sees it: who, with which role, admitted by which token
 * (its id and expiry, for revocation), and how to reach its client.
 */
public record Seat(String participantId, String name, Role role, String tokenId, Instant tokenExpiresAt,
                   SeatChannel channel) {
    public boolean host() {
        return role == Role.HOST;
    }
}
