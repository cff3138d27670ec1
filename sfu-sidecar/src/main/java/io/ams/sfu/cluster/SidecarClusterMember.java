package io.ams.sfu.cluster;

import io.ams.cluster.ClusterEvents;
import io.ams.cluster.ClusterUnavailableException;
import io.ams.cluster.ClusterView;
import io.ams.cluster.Heartbeat;
import io.ams.cluster.RedisStore;
import io.ams.cluster.RoomOwnership;
import io.ams.cluster.SidecarPlacement;
import io.ams.cluster.SidecarRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's membership of a cluster (issue 11): its record with a heartbeat (public URL, rooms, participants,
 * draining), the rooms it owns (claimed at their first join, refreshed while they run, released when they end), and
 * the routing of joins: a room owned by another live sidecar is a redirect there; a new room stays here unless
 * another sidecar is clearly emptier ({@link SidecarPlacement}) or this one drains. While Redis is away every join
 * stays here (the meeting must not depend on Redis) and the claims are made again once it is back.
 */
public final class SidecarClusterMember implements JoinRouter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SidecarClusterMember.class);
    private static final long REFRESH_MS = 3000;

    /** What the sidecar has now: its rooms and how many participants they hold. */
    public interface Census {
        Set<String> rooms();

        int participants();
    }

    private final RedisStore store;
    private final ClusterSettings settings;
    private final SidecarDrain drain;
    private final Census census;
    private final RoomOwnership ownership;
    private final ClusterView view;
    private final ClusterEvents events;
    private final Heartbeat heartbeat;
    private final ScheduledExecutorService thread;
    private final Supplier<Map<String, String>> placements;
    private volatile Map<String, SidecarRecord> sidecars = Map.of();  // refreshed every REFRESH_MS
    private Set<String> owned = new HashSet<>();                      // refresh thread only
    private final AtomicLong redirects = new AtomicLong();
    private final AtomicLong lostRooms = new AtomicLong();
    private final AtomicLong localFallbacks = new AtomicLong();

    /**
     * @param placements room -> engine, to keep the room's engine entry in Redis fresh (empty without an engine cluster)
     */
    public SidecarClusterMember(RedisStore store, ClusterSettings settings, SidecarDrain drain, Census census,
                                Supplier<Map<String, String>> placements) {
        this.store = store;
        this.settings = settings;
        this.drain = drain;
        this.census = census;
        this.placements = placements;
        this.ownership = new RoomOwnership(store);
        this.view = new ClusterView(store);
        this.events = new ClusterEvents(store);
        this.heartbeat = Heartbeat.sidecar(store, this::record);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sidecar-cluster");
            t.setDaemon(true);
            return t;
        });
        drain.onStart(heartbeat::beatNow);
        thread.scheduleWithFixedDelay(this::refreshSafely, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
        LOG.info("cluster: sidecar '{}' registers in {} as {}", settings.sidecarId(), store.address(), settings.publicUrl());
    }

    private SidecarRecord record() {
        return new SidecarRecord(settings.sidecarId(), settings.publicUrl(), census.rooms().size(), census.participants(),
                drain.draining());
    }

    public RoomOwnership ownership() {
        return ownership;
    }

    /** Records which engine mixes a room (EngineCluster's placements). */
    public void placedOn(String room, String engine) {
        try {
            ownership.placedOn(room, engine);
        } catch (ClusterUnavailableException e) {
            // kept fresh by the refresh once Redis is back
        }
    }

    public long redirects() {
        return redirects.get();
    }

    /** Joins kept here because Redis could not be asked. */
    public long localFallbacks() {
        return localFallbacks.get();
    }

    @Override
    public String notReady() {
        return drain.draining() ? "draining: taking no new rooms" : null;
    }

    @Override
    public JoinRoute route(String room, boolean here) {
        if (here) {
            return JoinRoute.HERE;
        }
        String self = settings.sidecarId();
        try {
            String owner = ownership.owner(room);
            if (owner == null) {
                SidecarRecord me = record();
                Optional<SidecarRecord> best = SidecarPlacement.choose(withSelf(me, sidecars), me);
                if (best.isEmpty() || drain.draining()) { // sending it away: from a fresh view, not one up to 3 s old
                    best = SidecarPlacement.choose(withSelf(me, live()), me);
                } else if (best.get().id().equals(self) && me.participants() >= SidecarPlacement.MARGIN) {
                    // kept here while loaded: a sidecar that came up since the last refresh may be emptier
                    best = SidecarPlacement.choose(withSelf(me, live()), me);
                }
                if (best.isEmpty()) {
                    return JoinRoute.refuse("server_draining", "every server of this service is shutting down; try again in"
                            + " a moment");
                }
                owner = ownership.claim(room, best.get().id());
            }
            if (owner.equals(self)) {
                if (drain.draining()) { // claimed here before the drain, by a join that never came
                    ownership.release(room, self);
                    return route(room, false);
                }
                return JoinRoute.HERE;
            }
            // asked afresh (not the view of up to 3 s ago): a client must not be sent to a sidecar that just died
            SidecarRecord other = view.sidecar(owner).orElse(null);
            if (other == null) { // its owner is gone (its record expired): the room is ours now
                LOG.warn("cluster: room '{}' was owned by sidecar '{}', which is gone; taking it over", room, owner);
                ownership.takeOver(room, self);
                return drain.draining() ? route(room, false) : JoinRoute.HERE;
            }
            redirects.incrementAndGet();
            LOG.info("cluster: room '{}' runs on sidecar '{}': sending the client to {}", room, owner, other.publicUrl());
            return JoinRoute.redirect(other.publicUrl());
        } catch (ClusterUnavailableException e) {
            localFallbacks.incrementAndGet();
            if (drain.draining()) {
                return JoinRoute.refuse("server_draining", "this server is shutting down and cannot reach the cluster to find "
                        + "another; try again in a moment");
            }
            LOG.warn("cluster: room '{}' joined here without asking the cluster ({})", room, e.getMessage());
            return JoinRoute.HERE;
        }
    }

    private Map<String, SidecarRecord> live() {
        Map<String, SidecarRecord> m = new HashMap<>();
        for (SidecarRecord s : view.sidecars()) {
            m.put(s.id(), s);
        }
        sidecars = m;
        return m;
    }

    private static List<SidecarRecord> withSelf(SidecarRecord me, Map<String, SidecarRecord> known) {
        Map<String, SidecarRecord> all = new HashMap<>(known);
        all.put(me.id(), me);
        return List.copyOf(all.values());
    }

    private void refreshSafely() {
        try {
            refresh();
        } catch (ClusterUnavailableException e) {
            // the store logged the outage; claims are made again when it is back
        } catch (RuntimeException e) {
            LOG.error("cluster: refresh failed", e);
        }
    }

    private void refresh() {
        live();
        Set<String> now = census.rooms();
        String self = settings.sidecarId();
        for (String gone : owned) {
            if (!now.contains(gone)) {
                ownership.release(gone, self);
            }
        }
        long stillOurs = ownership.refresh(now, self);
        if (stillOurs < now.size()) {
            // a room whose claim expired while Redis was away: claim it again (or learn that someone else has it)
            for (String room : now) {
                String owner = ownership.claim(room, self);
                if (!owner.equals(self)) {
                    lostRooms.incrementAndGet();
                    LOG.warn("cluster: room '{}' runs here but sidecar '{}' claimed it while Redis did not hear from us;"
                            + " its new joins go there, the meeting here goes on until it ends", room, owner);
                }
            }
        }
        ownership.refreshPlacements(placements.get());
        owned = new HashSet<>(now);
    }

    /** Publishes an event, best effort. */
    public void event(String type, Map<String, String> fields) {
        try {
            events.publish(type, fields);
        } catch (ClusterUnavailableException e) {
            LOG.info("cluster: event {} not recorded: {}", type, e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            for (String room : census.rooms()) {
                ownership.release(room, settings.sidecarId());
            }
        } catch (ClusterUnavailableException e) {
            // they expire
        }
        heartbeat.close();
    }
}
