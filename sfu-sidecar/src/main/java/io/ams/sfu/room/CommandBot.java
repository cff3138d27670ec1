package io.ams.sfu.room;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The example chat bot: answers {@code /help}, {@code /time} (the server's clock, UTC), {@code /who} (who is in the
 * room) and {@code /talktime} (who was the main speaker longest, a summary of the meeting so far). Anything else
 * that starts with '/' gets the list of commands; other messages are not for it.
 */
public final class CommandBot implements ChatBot {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC', EEEE d MMMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    static final String HELP = "I answer /time (the server's clock), /who (who is here) and /talktime (who spoke longest).";

    @Override
    public CompletionStage<String> answer(ChatLog.Message m, RoomFacts facts) {
        String text = m.text().trim();
        if (!text.startsWith("/")) {
            return null;
        }
        String command = text.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        String reply = switch (command) {
            case "/time" -> "It is " + TIME.format(Instant.ofEpochMilli(facts.nowMillis())) + ".";
            case "/who" -> facts.participants().size() + " in the room: " + String.join(", ", facts.participants()) + ".";
            case "/talktime" -> talkTime(facts);
            case "/help" -> HELP;
            default -> "I do not know " + command + ". " + HELP;
        };
        return CompletableFuture.completedFuture(reply);
    }

    private static String talkTime(RoomFacts facts) {
        List<SpeakingTime.Share> shares = facts.speakingTime();
        long total = shares.stream().mapToLong(SpeakingTime.Share::millis).sum();
        if (shares.isEmpty() || total < 1000) {
            return "Nobody has spoken yet.";
        }
        StringBuilder sb = new StringBuilder();
        SpeakingTime.Share top = shares.get(0);
        sb.append(top.name()).append(" spoke longest: ").append(duration(top.millis()))
                .append(String.format(Locale.ROOT, " (%d %%)", Math.round(100.0 * top.millis() / total)));
        for (int i = 1; i < Math.min(shares.size(), 5); i++) {
            SpeakingTime.Share s = shares.get(i);
            sb.append(i == 1 ? "; then " : ", ").append(s.name()).append(' ').append(duration(s.millis()));
        }
        return sb.append('.').toString();
    }

    static String duration(long ms) {
        long s = Math.round(ms / 1000.0);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
