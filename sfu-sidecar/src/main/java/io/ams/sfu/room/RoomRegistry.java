package io.ams.sfu.room;

import io.ams.sfu.engine.EngineLink;
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
 */
public final class RoomRegistry implements EngineLink.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);
    public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, SfuRoom> rooms = new ConcurrentHashMap<>();
    private final Map<String, Boolean> mixReady = new ConcurrentHashMap<>();
    private volatile RoomContext ctx;
    private final int maxRooms;

    public RoomRegistry(int maxRooms) {
        this.maxRooms = maxRooms;
    }

    /** Set once the shared resources exist (the engine link needs this registry as its listener first). */
    public void bind(RoomContext ctx) {
        this.ctx = ctx;
    }

    /** Joins {@code name} to {@code roomId}, opening the room if needed. */
    public synchronized Joined join(String roomId, String name, PeerChannel channel) throws RoomException {
        if (!ROOM_ID.matcher(roomId).matches()) {
            throw new RoomException("room_unknown", "room id '" + roomId + "' is not valid: 1-64 of A-Z a-z 0-9 . _ -");
        }
        SfuRoom room = rooms.get(roomId);
        if (room == null) {
            if (rooms.size() >= maxRooms) {
                throw new RoomException("room_full", "the server has its maximum of " + maxRooms + " rooms open");
            }
            try {
                room = new SfuRoom(roomId, ctx);
            } catch (SocketException e) {
                throw new RoomException("internal", "could not open room '" + roomId + "': " + e.getMessage());
            }
            if (Boolean.TRUE.equals(mixReady.get(roomId))) {
                room.mixReady(true);
            }
            rooms.put(roomId, room);
        }
        return new Joined(room, room.join(name, channel));
    }

    /** A participant and its room. */
    public record Joined(SfuRoom room, Peer peer) {
        public String participantId() {
            return peer.id;
        }
    }

    public synchronized void leave(Joined j, String reason) {
        j.room().leave(j.peer(), reason);
        if (j.room().isEmpty() && rooms.remove(j.room().id(), j.room())) {
            j.room().close();
            mixReady.remove(j.room().id());
        }
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
            r.mixReady(ready);
        }
    }

    @Override
    public void onMixSender(String roomId, java.net.InetSocketAddress sender) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.mixSender(sender);
        }
    }

    @Override
    public void onKeyframeNeeded(String roomId, String participantId) {
        SfuRoom r = rooms.get(roomId);
        if (r != null) {
            r.requestKeyframe(participantId);
        }
    }

    @Override
    public synchronized void close() {
        for (SfuRoom r : rooms.values()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.warn("closing room '{}' failed", r.id(), e);
            }
        }
        rooms.clear();
    }
}
