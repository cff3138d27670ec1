package io.ams.sfu.room;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link SerialLane} per room id, on one shared pool of {@code ams-room-N} threads, plus a lobby
 * lane for sessions that have not named a room. Everything that touches a room runs on its lane:
 * its signaling messages (join, answer, leave...), its 100 ms tick, the engine's news for it. So a
 * room that is slow (or stuck) holds up itself and one pool thread, never the signaling of other
 * rooms or the shared timer.
 *
 * <p>Lanes are counted: {@link #acquire} for each user (a session that named the room, the room
 * itself), {@link #release} when it is done; the last release forgets the lane, so ids named by
 * refused joins do not pile up.
 */
public final class RoomLanes implements AutoCloseable {
    /** Tasks one lane may have waiting: far above what signaling's rate limit lets a room send. */
    static final int MAX_QUEUED = 4096;

    private final ThreadPoolExecutor pool;
    private final SerialLane lobby;
    private final Map<String, Counted> lanes = new HashMap<>(); // guarded by this

    private static final class Counted {
        final SerialLane lane;
        int users;

        Counted(SerialLane lane) {
            this.lane = lane;
        }
    }

    public RoomLanes() {
        this(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    public RoomLanes(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ams-room-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true); // an idle server keeps no room threads
        this.lobby = new SerialLane("lobby", pool, MAX_QUEUED);
    }

    /** The lane of {@code roomId}, counted until the matching {@link #release}. */
    public synchronized SerialLane acquire(String roomId) {
        Counted c = lanes.computeIfAbsent(roomId, id -> new Counted(new SerialLane("room " + id, pool, MAX_QUEUED)));
        c.users++;
        return c.lane;
    }

    public synchronized void release(String roomId) {
        Counted c = lanes.get(roomId);
        if (c != null && --c.users <= 0) {
            lanes.remove(roomId);
        }
    }

    /** Where sessions that have not named a room run. */
    public SerialLane lobby() {
        return lobby;
    }

    /** Lanes held now (for tests and stats). */
    public synchronized int size() {
        return lanes.size();
    }

    /** The lane of a room id while someone holds it, else null. */
    public synchronized SerialLane peek(String roomId) {
        Counted c = lanes.get(roomId);
        return c == null ? null : c.lane;
    }

    /** Threads of the pool now alive. */
    public int threads() {
        return pool.getPoolSize();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
