package io.ams.sfu.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One room's text chat (docs/SIGNALING.md "Chat"): it checks and cleans what a participant says
 * ({@link ChatText}), limits how fast each participant may talk ({@link ChatRateLimit}: {@link #BURST} at once,
 * then one a second), stamps every accepted message with the room's next sequence number, the speaker and the
 * server's time, and keeps the last {@link #HISTORY} messages for those who join later. It lives and dies with
 * its room: nothing is written anywhere (a recording keeps its own copy, see SfuRoom#chat). Not thread-safe:
 * the room's lock guards it.
 */
public final class ChatLog {
    public static final int HISTORY = 200;
    public static final int BURST = 10;
    public static final double PER_SECOND = 1.0;

    /** An accepted message; {@code name} may be empty (a token without a name), {@code atMillis} Unix ms. */
    public record Message(long seq, String participantId, String name, long atMillis, String text) {
    }

    private final ArrayDeque<Message> history = new ArrayDeque<>();
    private final Map<String, ChatRateLimit> limits = new HashMap<>();
    private final LongSupplier wallMillis;
    private final LongSupplier monotonicNanos;
    private long lastSeq;

    public ChatLog() {
        this(System::currentTimeMillis, System::nanoTime);
    }

    /** With the clocks given (tests): {@code wallMillis} stamps messages, {@code monotonicNanos} paces them. */
    ChatLog(LongSupplier wallMillis, LongSupplier monotonicNanos) {
        this.wallMillis = wallMillis;
        this.monotonicNanos = monotonicNanos;
    }

    /**
     * {@code raw} said by {@code participantId}: the message as everyone gets it, or a refusal with its code
     * ({@code chat_empty}, {@code chat_too_long}, {@code chat_rate_limited}); a refused message is not kept.
     */
    public Message post(String participantId, String name, String raw) throws RoomException {
        String text = ChatText.clean(raw);
        long now = monotonicNanos.getAsLong();
        ChatRateLimit limit = limits.computeIfAbsent(participantId, id -> new ChatRateLimit(BURST, PER_SECOND, now));
        if (!limit.tryTake(now)) {
            throw new RoomException("chat_rate_limited", String.format(Locale.ROOT,
                    "too many chat messages: at most %d at once and one a second; try again in %.1f s", BURST,
                    limit.secondsToNext()));
        }
        Message m = new Message(++lastSeq, participantId, name == null ? "" : name, wallMillis.getAsLong(), text);
        history.addLast(m);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        return m;
    }

    /** A reply of the room's chat bot ({@link ChatBot}): kept and numbered like any message, not rate limited. */
    public Message postBot(String text) throws RoomException {
        Message m = new Message(++lastSeq, ChatBot.ID, ChatBot.NAME, wallMillis.getAsLong(), ChatText.clean(text));
        history.addLast(m);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        return m;
    }

    /** The last {@link #HISTORY} messages, oldest first. */
    public List<Message> history() {
        return new ArrayList<>(history);
    }

    /** The participant left: its rate limit goes (its messages stay in the history). */
    public void forget(String participantId) {
        limits.remove(participantId);
    }
}
