package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A room's chat: what text is accepted and how it is cleaned, the per-participant pace, the bounded history. */
class ChatLogTest {
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final ChatLog chat = new ChatLog(wall::get, nanos::get);

    @Test
    void aMessageIsStampedWithSequenceSpeakerAndServerTime() throws Exception {
        ChatLog.Message a = chat.post("p1", "Ada", "hello");
        wall.addAndGet(1500);
        ChatLog.Message b = chat.post("p2", null, "hi Ada");
        assertThat(a).isEqualTo(new ChatLog.Message(1, "p1", "Ada", 1_700_000_000_000L, "hello"));
        assertThat(b).isEqualTo(new ChatLog.Message(2, "p2", "", 1_700_000_001_500L, "hi Ada"));
        assertThat(chat.history()).containsExactly(a, b);
    }

    @Test
    void textIsTrimmedAndControlCharactersOtherThanNewlineGo() throws Exception {
        assertThat(chat.post("p1", "Ada", "  two\r\nlines\t\u0000\u001b[31m\u0085 \n ").text()).isEqualTo("two\nlines[31m");
        assertThat(chat.post("p1", "Ada", "<img src=x onerror=alert(1)>").text())
                .as("markup is text like any other: the client renders it as text").isEqualTo("<img src=x onerror=alert(1)>");
    }

    @Test
    void emptyAndTooLongAreRefusedWithTheirCodeAndNotKept() throws Exception {
        for (String empty : new String[] {null, "", "   ", "\n\t\u0007 \r\n"}) {
            assertThatThrownBy(() -> chat.post("p1", "Ada", empty)).isInstanceOfSatisfying(RoomException.class,
                    e -> assertThat(e.code()).isEqualTo("chat_empty"));
        }
        assertThatThrownBy(() -> chat.post("p1", "Ada", "x".repeat(2001))).isInstanceOfSatisfying(RoomException.class, e -> {
            assertThat(e.code()).isEqualTo("chat_too_long");
            assertThat(e.getMessage()).contains("at most 2000 characters (this one 2001)");
        });
        assertThatThrownBy(() -> chat.post("p1", "Ada", "x".repeat(100_000))).isInstanceOfSatisfying(RoomException.class,
                e -> assertThat(e.code()).isEqualTo("chat_too_long"));
        assertThat(chat.history()).isEmpty();
        assertThat(chat.post("p1", "Ada", "  " + "x".repeat(2000) + "  ").text()).as("the limit counts after trimming")
                .hasSize(2000);
        assertThat(chat.post("p1", "Ada", "😀".repeat(2000)).text()).as("characters, not UTF-16 units").hasSize(4000);
    }

    @Test
    void eachParticipantMaySendTenAtOnceThenOneASecond() throws Exception {
        for (int i = 0; i < ChatLog.BURST; i++) {
            chat.post("p1", "Ada", "m" + i);
        }
        assertThatThrownBy(() -> chat.post("p1", "Ada", "one too many")).isInstanceOfSatisfying(RoomException.class, e -> {
            assertThat(e.code()).isEqualTo("chat_rate_limited");
            assertThat(e.getMessage()).contains("try again in 1.0 s");
        });
        chat.post("p2", "Bob", "Bob has his own bucket");
        nanos.addAndGet(999_000_000L);
        assertThatThrownBy(() -> chat.post("p1", "Ada", "not yet")).isInstanceOf(RoomException.class);
        nanos.addAndGet(2_000_000L);
        chat.post("p1", "Ada", "a second later: one more");
        assertThatThrownBy(() -> chat.post("p1", "Ada", "and no more")).isInstanceOf(RoomException.class);
        nanos.addAndGet(60_000_000_000L);
        for (int i = 0; i < ChatLog.BURST; i++) {
            chat.post("p1", "Ada", "after a quiet minute, a burst again " + i);
        }
        assertThatThrownBy(() -> chat.post("p1", "Ada", "but not more than the burst")).isInstanceOf(RoomException.class);
        assertThat(chat.history()).extracting(ChatLog.Message::text).doesNotContain("one too many", "not yet", "and no more");
    }

    @Test
    void theHistoryKeepsTheLast200() throws Exception {
        for (int i = 1; i <= 250; i++) {
            nanos.addAndGet(1_000_000_000L);
            chat.post("p" + (i % 3), "n", "message " + i);
        }
        assertThat(chat.history()).hasSize(ChatLog.HISTORY);
        assertThat(chat.history().get(0).text()).isEqualTo("message 51");
        assertThat(chat.history().get(0).seq()).isEqualTo(51);
        assertThat(chat.history().get(199).text()).isEqualTo("message 250");
    }

    @Test
    void aParticipantWhoLeftKeepsItsMessagesInTheHistory() throws Exception {
        chat.post("p1", "Ada", "bye");
        chat.forget("p1");
        assertThat(chat.history()).extracting(ChatLog.Message::text).containsExactly("bye");
    }
}
