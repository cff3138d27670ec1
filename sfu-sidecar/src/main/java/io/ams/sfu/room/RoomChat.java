package io.ams.sfu.room;

import io.ams.sfu.engine.Engines;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's chat (docs/SIGNALING.md "Chat"): the log and its limits ({@link ChatLog}), fan-out to everyone, the
 * line into running recordings, the chat bot ({@link ChatBot}) and the speaking time it reports. Runs under the
 * room's lock; the bot's late answers come back through {@link Room#onLane}.
 */
final class RoomChat {
    private static final Logger LOG = LoggerFactory.getLogger(RoomChat.class);

    /** What the chat needs of its room (passed in by SfuRoom). */
    interface Room {
        String id();

        /** The participants; room lock held. */
        Collection<Peer> peers();

        /** Whether the engine records the room now. */
        boolean recorded();

        Engines engine();

        /** Runs {@code r} later on the room's lane, under its lock, unless the room has closed. */
        void onLane(Runnable r);
    }

    private final Room room;
    private final ChatLog log = new ChatLog();
    private final SpeakingTime speakingTime = new SpeakingTime();
    private final long openedAtMillis = System.currentTimeMillis();
    private volatile ChatBot bot;

    RoomChat(Room room) {
        this.room = room;
    }

    void bot(ChatBot b) {
        this.bot = b;
    }

    List<ChatLog.Message> history() {
        return log.history();
    }

    void forget(String participantId) {
        log.forget(participantId);
    }

    /** {@code main} (named {@code name}) became the main speaker: counted for /talktime. */
    void mainSpeaker(String main, String name, long nowMillis) {
        speakingTime.mainSpeaker(main, name, nowMillis);
    }

    /** {@code p} says {@code text}: checked, stamped, sent to everyone, recorded, shown to the bot. */
    ChatLog.Message say(Peer p, String text) throws RoomException {
        ChatLog.Message m = log.post(p.id, p.name, text);
        deliver(m);
        askBot(m);
        return m;
    }

    private void deliver(ChatLog.Message m) {
        for (Peer q : room.peers()) {
            q.channel.chat(m);
        }
        if (room.recorded()) {
            room.engine().addRecordingText(room.id(), m.participantId(), m.name(), m.text(), m.atMillis());
        }
    }

    private void askBot(ChatLog.Message m) {
        ChatBot b = bot;
        if (b == null) {
            return;
        }
        CompletionStage<String> answer;
        try {
            List<String> names = new ArrayList<>();
            for (Peer q : room.peers()) {
                if (!q.screen()) {
                    names.add(q.name.isEmpty() ? q.id : q.name);
                }
            }
            List<ChatLog.Message> history = log.history();
            long now = System.currentTimeMillis();
            answer = b.answer(m, new ChatBot.RoomFacts(room.id(), names, speakingTime.shares(now), openedAtMillis, now,
                    history.subList(Math.max(0, history.size() - 20), history.size())));
        } catch (RuntimeException e) {
            LOG.warn("room '{}': the chat bot failed on a message: {}", room.id(), e.toString());
            return;
        }
        if (answer != null) {
            answer.whenComplete((reply, error) -> {
                if (error != null) {
                    LOG.warn("room '{}': the chat bot failed: {}", room.id(), error.toString());
                } else if (reply != null && !reply.isBlank()) {
                    room.onLane(() -> postBot(reply));
                }
            });
        }
    }

    private void postBot(String reply) {
        try {
            deliver(log.postBot(reply.length() > ChatText.MAX_CHARS ? reply.substring(0, ChatText.MAX_CHARS - 1) + "\u2026" : reply));
        } catch (RoomException e) {
            LOG.warn("room '{}': the chat bot's reply was refused: {}", room.id(), e.getMessage());
        }
    }
}
