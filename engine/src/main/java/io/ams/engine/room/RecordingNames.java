package io.ams.engine.room;

import io.ams.engine.EngineException;

/**
 * A recording's file name stays a plain file name inside the record directory: no directories,
 * no '..', no absolute paths, no NUL or other control characters, no hidden files.
 */
public final class RecordingNames {
    private static final int MAX_LENGTH = 128;

    private RecordingNames() {
    }

    /** Throws INVALID_ARGUMENT with the reason unless {@code name} is a plain file name. */
    public static void check(String name) {
        String why = problem(name);
        if (why != null) {
            throw EngineException.invalid("file_name '" + printable(name) + "' is invalid: " + why);
        }
    }

    /** Null for a good name, else why not. */
    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (name.indexOf('\0') >= 0) {
            return "it contains a NUL character";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "a plain file name, no directories ('/' or '\\\\')";
        }
        if (name.equals("..") || name.equals(".")) {
            return "'" + name + "' is a directory";
        }
        if (name.startsWith(".")) {
            return "it starts with '.' (hidden files and '..' are not allowed)";
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            return "use only A-Z a-z 0-9 . _ - (a plain file name)";
        }
        return null;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < ' ' || c == 0x7f ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c));
        }
        return b.length() > 160 ? b.substring(0, 160) + "..." : b.toString();
    }
}
