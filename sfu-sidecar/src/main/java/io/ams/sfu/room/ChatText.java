package io.ams.sfu.room;

/**
 * What a chat message may hold (docs/SIGNALING.md "Chat"): line breaks normalised to {@code \n}, every other
 * control character (C0, DEL, C1: tabs, escapes, NUL) removed, surrounding white space trimmed, and then 1 to
 * {@link #MAX_CHARS} characters (code points, so an emoji counts as one). Pure logic.
 */
public final class ChatText {
    public static final int MAX_CHARS = 2000;
    /** Longer than this before cleaning is refused without looking further (a client cannot make us scan megabytes). */
    static final int MAX_RAW_CHARS = 4 * MAX_CHARS;

    private ChatText() {
    }

    /** The text as it is stored and sent, or a refusal: {@code chat_empty}, {@code chat_too_long}. */
    public static String clean(String raw) throws RoomException {
        if (raw == null) {
            throw new RoomException("chat_empty", "a chat message needs some text");
        }
        if (raw.length() > MAX_RAW_CHARS) {
            throw tooLong(raw.codePointCount(0, raw.length()));
        }
        String lines = raw.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder b = new StringBuilder(lines.length());
        lines.codePoints().filter(c -> c == '\n' || !Character.isISOControl(c)).forEach(b::appendCodePoint);
        String text = b.toString().strip();
        if (text.isEmpty()) {
            throw new RoomException("chat_empty", "a chat message needs some text (it was empty or only spaces)");
        }
        int chars = text.codePointCount(0, text.length());
        if (chars > MAX_CHARS) {
            throw tooLong(chars);
        }
        return text;
    }

    private static RoomException tooLong(int chars) {
        return new RoomException("chat_too_long", "a chat message holds at most " + MAX_CHARS + " characters (this one "
                + chars + ")");
    }
}
