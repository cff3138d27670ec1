package io.ams.sfu.auth;

import java.util.Locale;

/**
 * What a join token lets its holder do in the room (claim {@code role}). A host may lock the room,
 * remove a participant and ask one to mute; a participant may not. A token without the claim is a
 * participant's (tokens issued before roles existed).
 */
public enum Role {
    HOST, PARTICIPANT;

    /** The claim's value: "host" or "participant". */
    public String claim() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code value} ("host", "participant", any case). */
    public static Role parse(String value) {
        for (Role r : values()) {
            if (r.claim().equalsIgnoreCase(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role '" + value + "' is not host or participant");
    }
}
