package io.ams.engine.mix;

import java.util.regex.Pattern;

import io.ams.engine.EngineException;

/** Identifiers of rooms, participants, outputs and destinations: [A-Za-z0-9._:-]{1,64}. */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Ids() {
    }

    public static String check(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw EngineException.invalid(what + " is missing");
        }
        if (!ID.matcher(id).matches()) {
            throw EngineException.invalid(what + " '" + abbreviate(id) + "' is invalid: use 1 to 64 of A-Z a-z 0-9 . _ : -");
        }
        return id;
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
