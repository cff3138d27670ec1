package io.ams.sfu.room;

import io.ams.sfu.relay.SpeakerSelector;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's main speaker and what each participant sees in its main slot (DESIGN.md section 5): the
 * {@link SpeakerSelector} fed with audio levels, a screen share or an operator's choice that overrides
 * it, the announcement of every change (to the room, then to every participant), and each participant's
 * main source: its pin, else the main speaker, else the previous one, else anyone with a camera.
 *
 * <p>Threads: the selector is guarded by itself, since audio levels arrive on receive threads without the
 * room's lock ({@link #onAudioLevel}); everything else runs under the room's lock. The selector's lock is
 * taken inside the room's and never held while the room is called back.
 */
final class MainSourceControl {
    private static final Logger LOG = LoggerFactory.getLogger(MainSourceControl.class);

    /** What the control needs of its room; called under the room's lock. */
    interface Room {
        String id();

        /** The participants by id, in join order. */
        Map<String, Peer> peersById();

        /**
         * The main speaker is {@code main} now (null: none) after {@code previous}; {@code mainChanged}: not only
         * the previous one changed. Called before the participants are told.
         */
        void speakerChanged(String main, String previous, boolean mainChanged);

        /** Every participant's main source was chosen again; {@code main}: the announced main speaker. */
        void sourcesChosen(String main);
    }

    private final Room room;
    private final SpeakerSelector speakers; // guarded by itself
    private final AtomicLong switches = new AtomicLong();
    private String announcedMain; // guarded by the room's lock, as the rest
    private String announcedPrevious;

    MainSourceControl(Room room) {
        this(room, SpeakerSelector.standard());
    }

    MainSourceControl(Room room, SpeakerSelector speakers) {
        this.room = room;
        this.speakers = speakers;
    }

    /** The announced main speaker, or null. */
    String main() {
        return announcedMain;
    }

    /** The announced previous speaker, or null. */
    String previous() {
        return announcedPrevious;
    }

    /** Who overrides the selector (a screen share, an operator's choice), or null. */
    String override() {
        synchronized (speakers) {
            return speakers.override();
        }
    }

    /** Announcements of a new main or previous speaker so far. */
    long switches() {
        return switches.get();
    }

    /**
     * One audio level of {@code participantId}, from any thread and without the room's lock. @return true if the
     * main speaker changed: the caller then {@link #apply}s it under the room's lock
     */
    boolean onAudioLevel(String participantId, int level, boolean voice, long nowMillis) {
        synchronized (speakers) {
            return speakers.onAudioLevel(participantId, level, voice, nowMillis);
        }
    }

    /** The room's timer: a speaker who has dominated long enough becomes main. */
    void tick(long nowMillis) {
        boolean changed;
        synchronized (speakers) {
            changed = speakers.tick(nowMillis);
        }
        if (changed) {
            apply();
        }
    }

    /** The screen share {@code screenId} joined: everyone's main video while it lasts (applied when it starts). */
    void screenShared(String screenId, long nowMillis) {
        synchronized (speakers) {
            speakers.setOverride(screenId, nowMillis);
        }
    }

    /** The main speaker chosen by an operator; null returns to automatic selection. */
    void setMainSpeaker(String participantId, long nowMillis) throws RoomException {
        if (participantId != null && !room.peersById().containsKey(participantId)) {
            throw new RoomException("not_found", "participant '" + participantId + "' is not in room '" + room.id() + "'");
        }
        synchronized (speakers) {
            if (participantId == null) {
                speakers.clearOverride(nowMillis);
            } else {
                speakers.setOverride(participantId, nowMillis);
            }
        }
        apply();
    }

    /** Pins {@code target} as {@code p}'s own main video; null, unknown or itself unpins. */
    void pin(Peer p, String target) {
        p.pinned = target != null && room.peersById().containsKey(target) && !target.equals(p.id) ? target : null;
        update();
    }

    /**
     * {@code p} left (already out of {@link Room#peersById}): forgotten by the selector (if it was main, the previous
     * speaker is main now) and unpinned by whoever had pinned it. The caller {@link #apply}s the change.
     */
    void left(Peer p, long nowMillis) {
        synchronized (speakers) {
            speakers.remove(p.id, nowMillis); // a screen share that ends: back to the voices
        }
        for (Peer q : room.peersById().values()) {
            if (p.id.equals(q.pinned)) {
                q.pinned = null;
            }
        }
    }

    /** Tells a participant who just arrived who speaks, if anyone does yet. */
    void tell(Peer p) {
        if (announcedMain != null) {
            p.channel.speaker(announcedMain, announcedPrevious);
        }
    }

    /** Announces the selector's main and previous speaker if they changed, and chooses every main source again. */
    void apply() {
        Selected now = selected();
        String main = now.main();
        String previous = now.previous();
        if (!Objects.equals(main, announcedMain) || !Objects.equals(previous, announcedPrevious)) {
            boolean mainChanged = !Objects.equals(main, announcedMain);
            announcedMain = main;
            announcedPrevious = previous;
            switches.incrementAndGet();
            LOG.info("room '{}': main speaker {} (previous {})", room.id(), main, previous);
            room.speakerChanged(main, previous, mainChanged);
            for (Peer q : room.peersById().values()) {
                q.channel.speaker(main, previous);
            }
        }
        update();
    }

    /** The selector's main and previous speaker, read together. */
    private record Selected(String main, String previous) {
    }

    private Selected selected() {
        synchronized (speakers) {
            return new Selected(speakers.main(), speakers.previous());
        }
    }

    /** Who each participant sees in its main slot: its pin, else the main speaker, else the previous one. */
    void update() {
        Selected now = selected();
        String main = now.main();
        String previous = now.previous();
        Map<String, Peer> peers = room.peersById();
        for (Peer q : peers.values()) {
            if (q.screen()) {
                q.mainSource = null; // a screen share receives nothing
                continue;
            }
            String want = q.pinned;
            if (want == null) {
                want = main != null && !main.equals(q.id) && peers.containsKey(main) ? main
                        : previous != null && !previous.equals(q.id) && peers.containsKey(previous) ? previous : null;
            }
            if (want == null) {
                for (Peer o : peers.values()) {
                    if (o != q && o.hasCamera()) {
                        want = o.id;
                        break;
                    }
                }
            }
            Peer src = want == null ? null : peers.get(want);
            if (src == null || !src.hasCamera()) {
                continue;
            }
            q.mainSource = want;
        }
        room.sourcesChosen(announcedMain);
    }
}
