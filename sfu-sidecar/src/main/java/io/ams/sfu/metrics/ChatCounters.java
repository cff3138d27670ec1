package io.ams.sfu.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Chat messages as the signaling sees them (docs/SIGNALING.md "Chat"): accepted and sent to the room, and refused
 * by {@link Refusal}; plus the chat lines of recorded rooms that did not reach the engine (read from the engine
 * link). Thread-safe.
 */
public final class ChatCounters {
    /** Why a chat message was refused; {@link #label()} is the {@code reason} label of {@code ams_sfu_chat_refused_total}. */
    public enum Refusal {
        /** Nothing left after trimming and removing control characters (chat_empty). */
        EMPTY,
        /** More than 2000 characters (chat_too_long). */
        TOO_LONG,
        /** Faster than the participant's token bucket allows (chat_rate_limited). */
        RATE_LIMITED,
        /** No string field 'text', or the sender is not in a room (bad_message). */
        BAD_REQUEST;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The refusal behind signaling error {@code code}. */
        public static Refusal ofCode(String code) {
            return switch (code) {
                case "chat_empty" -> EMPTY;
                case "chat_too_long" -> TOO_LONG;
                case "chat_rate_limited" -> RATE_LIMITED;
                default -> BAD_REQUEST;
            };
        }
    }

    private final AtomicLong sent = new AtomicLong();
    private final Map<Refusal, AtomicLong> refused = new EnumMap<>(Refusal.class);
    private final LongSupplier recordingFailures;

    /** Without a recording path (tests). */
    public ChatCounters() {
        this(() -> 0);
    }

    /** {@code recordingFailures}: chat lines that did not reach a recording so far (the engine link counts them). */
    public ChatCounters(LongSupplier recordingFailures) {
        this.recordingFailures = recordingFailures;
        for (Refusal r : Refusal.values()) {
            refused.put(r, new AtomicLong());
        }
    }

    /** A message was accepted and sent to everyone in its room. */
    public void sent() {
        sent.incrementAndGet();
    }

    public void refused(Refusal why) {
        refused.get(why).incrementAndGet();
    }

    public long messages() {
        return sent.get();
    }

    public long refusals(Refusal why) {
        return refused.get(why).get();
    }

    public long recordingFailures() {
        return recordingFailures.getAsLong();
    }
}
