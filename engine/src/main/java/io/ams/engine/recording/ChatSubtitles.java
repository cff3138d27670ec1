package io.ams.engine.recording;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A recording's chat as a WebVTT file next to the exported video ({@code meeting.webm} ->
 * {@code meeting.chat.vtt}): one cue per line, from when it was said (relative to the video's first frame)
 * for {@link #SHOW_SECONDS} s, as {@code Name: text}. The text is escaped ({@code & < >}) so that it stays
 * text in any player, and blank lines inside a message (which would end a cue) are folded.
 */
public final class ChatSubtitles {
    /** How long a line stays on screen. */
    static final double SHOW_SECONDS = 5.0;

    /** A line and when it appears, in seconds from the video's start. */
    public record Cue(double startSeconds, ChatLine line) {
    }

    private ChatSubtitles() {
    }

    /** Where the chat of a recording exported to {@code video} goes. */
    public static Path fileFor(Path video) {
        String name = video.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return video.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".chat.vtt");
    }

    /** The WebVTT text of {@code cues}, in time order (a line backdated to when it was said may come late). */
    public static String vtt(List<Cue> cues) {
        List<Cue> sorted = new ArrayList<>(cues);
        sorted.sort(Comparator.comparingDouble(Cue::startSeconds));
        StringBuilder b = new StringBuilder("WEBVTT\n");
        int n = 0;
        for (Cue c : sorted) {
            b.append('\n').append(++n).append('\n')
                    .append(time(c.startSeconds())).append(" --> ").append(time(c.startSeconds() + SHOW_SECONDS)).append('\n')
                    .append(escape(c.line().speaker())).append(": ").append(escape(c.line().text()).replaceAll("\n+", "\n"))
                    .append('\n');
        }
        return b.toString();
    }

    static String time(double seconds) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
