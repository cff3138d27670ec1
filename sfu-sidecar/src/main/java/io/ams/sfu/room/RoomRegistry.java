package io.ams.sfu.room;

import io.ams.sfu.engine.EngineLink;
import io.ams.sfu.engine.Engines;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open rooms. A room opens with its first participant (who holds a valid token for it) and
 * closes when its last participant leaves. Also the engine link's listener: it routes the engine's
 * news to the room concerned.
 *
 * <p>Threads: each room's work runs on its own {@link SerialLane} ({@link #lanes()}); the registry's lock
 * only guards the map of rooms and is never held while a room works, so a join, a leave or a close in
 * one room never waits for another room. The engine's news is handed to the room's lane too: the
 * engine link's thread never waits for a room.
 */
public final class RoomRegistry implements EngineLink.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);
    public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, SfuRoom> rooms = new ConcurrentHashMap<>();
    private final Map<String, Boolean> mixReady = new ConcurrentHashMap<>();
    private volatile RoomContext ctx;
    private final int maxRooms;
    private final RoomLanes lanes;
    private RelayTotals closedRooms = RelayTotals.ZERO; // guarded by this: what rooms did before they closed

    public RoomRegistry(int maxRooms) {
        this(maxRooms, new RoomLanes());
    }

    public RoomRegistry(int maxRooms, RoomLanes lanes) {
        this.maxRooms = maxRooms;
        this.lanes = lanes;
    }

    /** The rooms' lanes: signaling runs each session's messages on the lane of the room it names. */
    public RoomLanes lanes() {
        return lanes;
    }

    /** Set once the shared resources exist (the engine link needs this registry as its listener first). */
    public void bind(RoomContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Joins {@code name} to {@code roomId}, opening the room if needed. Call it on the room's lane:
     * joins and leaves of one room then happen one at a time.
     */
    public Joined join(String roomId, String name, PeerChannel channel) throws RoomException {
        return join(roomId, name, channel, false);
    }

    /** As above; {@code screen}: a screen share of {@code name} (one per room). */
    public Joined join(String roomId, String name, PeerChannel channel, boolean screen) throws RoomException {
        if (!ROOM_ID.matcher(roomId).matches()) {
            throw new RoomException("room_unknown", "room id '" + roomId + "' is not valid: 1-64 of A-Z a-z 0-9 . _ -");
        }
        for (int attempt = 0; ; attempt++) {
            SfuRoom room = openRoom(roomId);
            try {
                return new Joined(room, room.join(name, channel, screen));
            } catch (RoomClosedException e) {
                // closed by its last leave between our lookup and our join: open it afresh
                synchronized (this) {
                    forget(room);
                }
                if (attempt >= 2) {
                    throw new RoomException("internal", "room '" + roomId + "' keeps closing, join again");
                }
            }
        }
    }

    private SfuRoom openRoom(String roomId) throws RoomException {
        synchronized (this) {
            SfuRoom room = rooms.get(roomId);
            if (room != null) {
                return room;
            }
            if (rooms.size() >= maxRooms) {
                throw new RoomException("room_full", "the server has its maximum of " + maxRooms + " rooms open");
            }
            SerialLane lane = lanes.acquire(roomId);
            try {
                room = new SfuRoom(roomId, ctx, lane);
                room.events(events);
                room.chatBot(chatBot);
            } catch (SocketException | RuntimeException e) {
                lanes.release(roomId);
                throw new RoomException("internal", "could not open room '" + roomId + "': " + e.getMessage());
            }
            if (Boolean.TRUE.equals(mixReady.get(roomId))) {
                room.mixReady(true);
            }
            rooms.put(roomId, room);
            return room;
        }
    }

    /** A participant and its room. */
    public record Joined(SfuRoom room, Peer peer) {
        public String participantId() {
            return peer.id;
        }
    }

    /** Told when a participant has left and when a room has closed (documents follow them). */
    public interface Lifecycle {
        void participantLeft(String roomId, String participantId);

        void roomClosed(String roomId);
    }

    private volatile Lifecycle lifecycle;

    public void setLifecycle(Lifecycle l) {
        this.lifecycle = l;
    }

    /** Removes the participant; the last one out closes the room. Never waits for other rooms. */
    public void leave(Joined j, String reason) {
        SfuRoom room = j.room();
        room.leave(j.peer(), reason);
        Lifecycle life = lifecycle;
        if (life != null) {
            life.participantLeft(room.id(), j.participantId());
        }
        boolean close;
        synchronized (this) {
            close = room.closeIfEmpty() && forget(room);
            if (close && !rooms.containsKey(room.id())) {
                mixReady.remove(room.id());
            }
        }
        if (close) {
            room.close();
            lanes.release(room.id());
            if (life != null) {
                life.roomClosed(room.id());
            }
        }
    }

    /** Out of the map, its totals kept in {@link #closedRooms}; false if it was not in the map. Caller holds this. */
    private boolean forget(SfuRoom room) {
        if (!rooms.remove(room.id(), room)) {
            return false;
        }
        closedRooms = closedRooms.plus(room.metrics());
        return true;
    }

    /**
     * The open rooms, their participants, and what every room's media path has done since the start,
     * closed rooms included (metrics). Takes no room's lock.
     */
    public synchronized Census census() {
        int participants = 0;
        RelayTotals sum = closedRooms;
        for (SfuRoom r : rooms.values()) {
            participants += r.peerCount();
            sum = sum.plus(r.metrics());
        }
        return new Census(rooms.size(), participants, sum);
    }

    /** See {@link #census()}. */
    public record Census(int rooms, int participants, RelayTotals relayed) {
    }

    public SfuRoom get(String roomId) {
        return rooms.get(roomId);
    }

    public List<SfuRoom> list() {
        return new ArrayList<>(rooms.values());
    }

    @Override
    public void onMixReady(String roomId, boolean ready) {
        mixReady.put(roomId, ready);
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.lane().execute(() -> r.mixReady(ready));
        }
    }

    @Override
    public void onMixSender(String roomId, java.net.InetSocketAddress sender) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.lane().execute(() -> r.mixSender(sender));
        }
    }

    @Override
    public void onMixAudioSsrc(String roomId, String participantId, long ssrc) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.mixAudioSsrc(participantId, ssrc); // a concurrent map: the mix thread reads it, no lane needed
        }
    }

    @Override
    public void onRecording(String roomId, boolean active, String by) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.lane().execute(() -> {
                r.recording(active, by);
                events.event(roomId, "recording", java.util.Map.of("active", Boolean.toString(active), "by", by == null ? "" : by));
            });
        }
    }

    private volatile RoomEvents events = RoomEvents.NONE;
    private volatile ChatBot chatBot = new CommandBot();

    /** The chat bot of rooms opened from now on (default {@link CommandBot}); null: none. */
    public void setChatBot(ChatBot b) {
        chatBot = b;
    }

    /** Where the rooms' events go (rooms opened from now on). */
    public void setEvents(RoomEvents e) {
        events = e == null ? RoomEvents.NONE : e;
    }

    /** The engine link the rooms share (recording wishes go there). */
    public Engines engine() {
        return ctx.engine();
    }

    @Override
    public void onKeyframeNeeded(String roomId, String participantId) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.lane().execute(() -> r.requestKeyframe(participantId));
        }
    }

    @Override
    public void close() {
        List<SfuRoom> open;
        synchronized (this) {
            open = new ArrayList<>(rooms.values());
            rooms.clear();
        }
        for (SfuRoom r : open) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("closing room '{}' failed", r.id(), e);
            }
        }
        lanes.close();
    }
}
