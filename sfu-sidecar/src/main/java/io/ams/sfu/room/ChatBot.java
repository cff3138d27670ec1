package io.ams.sfu.room;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Something that answers in a room's chat (docs/DESIGN.md "Chat bot"): given a message and what the room knows,
 * a reply (posted as {@link #NAME}), or null when the message is not for it. Called on the room's lane for every
 * accepted chat message; the answer may come later (an LLM behind an HTTP call): the room posts it when the
 * stage completes and never waits for it. A bot must not block in {@link #answer}.
 */
public interface ChatBot {
    /** The participant id and name its replies carry. */
    String ID = "bot";
    String NAME = "AMS bot";

    /** What a bot may know of the room when it answers. */
    record RoomFacts(String roomId, List<String> participants, List<SpeakingTime.Share> speakingTime, long openedAtMillis,
                     long nowMillis, List<ChatLog.Message> recentChat) {
    }

    /** A reply to {@code m}, or null (not for this bot). */
    CompletionStage<String> answer(ChatLog.Message m, RoomFacts facts);
}
