package io.ams.engine.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.testing.ColourClips;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room's chat kept with a sealed recording (issue 13 part 5): lines sent to the sink while it records are
 * sealed like the media, and the export writes them as WebVTT next to the video, timed from its first frame;
 * a recording without chat exports as before, with no subtitle file.
 */
class RecordingChatTest {
    private static final int FPS = 15;
    private static final long TICKS_PER_FRAME = 90_000 / FPS;
    private static List<EncodedFrame> frames;

    @TempDir
    Path dir;

    @BeforeAll
    static void encode() {
        frames = ColourClips.vp8(160, 120, FPS, 300, 4 * FPS, i -> YuvColor.GREEN);
    }

    private static MasterKey key() {
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        return MasterKey.of(raw);
    }

    private static ChatLine line(String id, String name, String text) {
        return new ChatLine(id, name, 1_700_000_000_000L, text);
    }

    /** Records the frames; {@code chat} maps a frame index to the line said just after it (-1: before any frame). */
    private Path record(String name, MasterKey key, java.util.Map<Integer, ChatLine> chat) throws Exception {
        Path file = dir.resolve(name);
        SealedRecordingSink sink = SealedRecordingSink.create("rec", file, key,
                new RecordingChunks.StreamInfo(VideoCodec.VP8, 160, 120, FPS));
        long first = frames.get(0).rtpTimestamp();
        if (chat.containsKey(-1)) {
            assertThat(sink.sendText(chat.get(-1), first - 90_000)).isTrue(); // a second before the first frame
        }
        for (int i = 0; i < frames.size(); i++) {
            sink.send(frames.get(i), null);
            if (chat.containsKey(i)) {
                assertThat(sink.sendText(chat.get(i), first + i * TICKS_PER_FRAME)).isTrue();
            }
        }
        sink.close();
        assertThat(sink.failure()).isNull();
        assertThat(sink.textLines()).isEqualTo(chat.size());
        assertThat(sink.sendText(line("p1", "Ada", "too late"), first)).as("a closed recording takes no more").isFalse();
        return file;
    }

    @Test
    void theChatIsExportedAsWebVttTimedFromTheVideosStart() throws Exception {
        MasterKey key = key();
        Path sealed = record("chat.amsrec", key, java.util.Map.of(
                -1, line("p2", "", "said before the first frame"),
                15, line("p1", "Ada", "hello from A"),
                37, line("p2", "Bob", "<img src=x onerror=\"alert(1)\"> & more\n\n\nsecond line")));
        Path out = dir.resolve("meeting.webm");
        RecordingExport.Result r = RecordingExport.export(sealed, key, out);

        assertThat(r.frames()).isEqualTo(4 * FPS);
        assertThat(r.chatLines()).isEqualTo(3);
        assertThat(r.chatFile()).isEqualTo(dir.resolve("meeting.chat.vtt"));
        assertThat(Files.readString(r.chatFile(), StandardCharsets.UTF_8)).isEqualTo("""
                WEBVTT

                1
                00:00:00.000 --> 00:00:05.000
                p2: said before the first frame

                2
                00:00:01.000 --> 00:00:06.000
                Ada: hello from A

                3
                00:00:02.467 --> 00:00:07.467
                Bob: &lt;img src=x onerror="alert(1)"&gt; &amp; more
                second line
                """);
    }

    @Test
    void theChatIsSealedLikeTheMedia() throws Exception {
        byte[] disk = Files.readAllBytes(record("sealed.amsrec", key(), java.util.Map.of(3, line("p1", "Ada", "a secret plan"))));
        assertThat(new String(disk, StandardCharsets.ISO_8859_1)).doesNotContain("secret").doesNotContain("Ada");
    }

    @Test
    void aRecordingWithoutChatExportsAsBeforeWithNoSubtitles() throws Exception {
        MasterKey key = key();
        Path sealed = record("plain.amsrec", key, java.util.Map.of());
        RecordingExport.Result r = RecordingExport.export(sealed, key, dir.resolve("plain.webm"));
        assertThat(r.frames()).isEqualTo(4 * FPS);
        assertThat(r.chatFile()).isNull();
        assertThat(r.chatLines()).isZero();
        assertThat(dir.resolve("plain.chat.vtt")).doesNotExist();
    }

    @Test
    void anExistingSubtitleFileIsNotOverwritten() throws Exception {
        MasterKey key = key();
        Path sealed = record("again.amsrec", key, java.util.Map.of(3, line("p1", "Ada", "hi")));
        Files.writeString(dir.resolve("again.chat.vtt"), "mine");
        assertThatThrownBy(() -> RecordingExport.export(sealed, key, dir.resolve("again.webm")))
                .hasMessageContaining("again.chat.vtt exists; export does not overwrite");
        assertThat(dir.resolve("again.webm")).doesNotExist();
        assertThat(Files.readString(dir.resolve("again.chat.vtt"))).isEqualTo("mine");
    }
}
