package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The example chat bot: its commands, who spoke longest from the room's speaking time, and silence otherwise. */
class CommandBotTest {
    private final CommandBot bot = new CommandBot();

    private String ask(String text, ChatBot.RoomFacts facts) {
        var stage = bot.answer(new ChatLog.Message(1, "p1", "Ada", 0, text), facts);
        return stage == null ? null : stage.toCompletableFuture().join();
    }

    private static ChatBot.RoomFacts facts(SpeakingTime t, long now) {
        return new ChatBot.RoomFacts("r1", List.of("Ada", "Bob", "Carol"), t.shares(now), 0, now, List.of());
    }

    @Test
    void answersItsCommandsAndNothingElse() {
        SpeakingTime t = new SpeakingTime();
        long now = 1_764_765_600_000L; // 2025-12-03 12:40:00 UTC
        assertThat(ask("hello everyone", facts(t, now))).isNull();
        assertThat(ask("/time", facts(t, now))).isEqualTo("It is 12:40:00 UTC, Wednesday 3 December 2025.");
        assertThat(ask("/who", facts(t, now))).isEqualTo("3 in the room: Ada, Bob, Carol.");
        assertThat(ask("/talktime", facts(t, now))).isEqualTo("Nobody has spoken yet.");
        assertThat(ask("/dance", facts(t, now))).startsWith("I do not know /dance. I answer /time");
        assertThat(ask("/HELP please", facts(t, now))).isEqualTo(CommandBot.HELP);
    }

    @Test
    void talktimeSaysWhoWasTheMainSpeakerLongest() {
        SpeakingTime t = new SpeakingTime();
        t.mainSpeaker("p1", "Ada", 0);
        t.mainSpeaker("p2", "Bob", 30_000);    // Ada 30 s
        t.mainSpeaker("p1", "Ada", 100_000);   // Bob 70 s
        t.mainSpeaker(null, null, 110_000);    // Ada 40 s in all
        assertThat(ask("/talktime", facts(t, 200_000)))
                .isEqualTo("Bob spoke longest: 1 min 10 s (64 %); then Ada 40 s.");
        t.mainSpeaker("p3", "Carol", 200_000);
        assertThat(ask("/talktime", facts(t, 300_000))).startsWith("Carol spoke longest: 1 min 40 s");
    }
}
