package io.ams.sfu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.cluster.RedisServer;
import io.ams.cluster.RedisStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sidecars' join routing against a real redis-server: who owns a room, redirects, drain, Redis away. */
class SidecarClusterMemberTest {
    @TempDir
    Path dir;
    private RedisServer redis;
    private final Set<String> rooms1 = ConcurrentHashMap.newKeySet();
    private final Set<String> rooms2 = ConcurrentHashMap.newKeySet();
    private RedisStore store1;
    private RedisStore store2;
    private SidecarDrain drain1;
    private SidecarClusterMember s1;
    private SidecarClusterMember s2;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServer.installed(), "redis-server is not installed (.ci/run installs it)");
        redis = RedisServer.start(dir.resolve("redis"));
        store1 = new RedisStore(redis.uri());
        store2 = new RedisStore(redis.uri());
        drain1 = new SidecarDrain(rooms1::size, Duration.ofMinutes(1));
        s1 = member(store1, "s1", "http://10.0.0.1:8443", drain1, rooms1);
        s2 = member(store2, "s2", "http://10.0.0.2:8443", new SidecarDrain(rooms2::size, Duration.ofMinutes(1)), rooms2);
        await(() -> new io.ams.cluster.ClusterView(store1).sidecars().size() == 2);
    }

    private static SidecarClusterMember member(RedisStore store, String id, String url, SidecarDrain drain, Set<String> rooms) {
        return new SidecarClusterMember(store, new ClusterSettings("redis://x", id, url, Duration.ofMinutes(1)), drain,
                new SidecarClusterMember.Census() {
                    @Override
                    public Set<String> rooms() {
                        return Set.copyOf(rooms);
                    }

                    @Override
                    public int participants() {
                        return rooms.size();
                    }
                }, Map::of);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {s1, s2, store1, store2, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aRoomsParticipantsMeetOnTheSidecarThatClaimedItFirst() {
        long before = store1.roundTrips();
        assertThat(s1.route("standup", false)).isEqualTo(JoinRoute.HERE);
        long newRoomTrips = store1.roundTrips() - before;
        rooms1.add("standup");
        long before2 = store2.roundTrips();
        JoinRoute there = s2.route("standup", false);
        long redirectTrips = store2.roundTrips() - before2;
        assertThat(there.kind()).isEqualTo(JoinRoute.Kind.REDIRECT);
        assertThat(there.url()).isEqualTo("http://10.0.0.1:8443");
        before = store1.roundTrips();
        assertThat(s1.route("standup", true)).as("a room that runs here stays here").isEqualTo(JoinRoute.HERE);
        assertThat(store1.roundTrips() - before).as("no Redis call for a room that runs here").isZero();
        System.out.printf("cluster: Redis round trips for the join that opens a room: %d; for a join of a room running on"
                + " that sidecar: 0; for a join at another sidecar: %d there (redirect), then 0%n", newRoomTrips, redirectTrips);
        assertThat(redirectTrips).isLessThanOrEqualTo(2);
        assertThat(newRoomTrips).isLessThanOrEqualTo(3);
    }

    @Test
    void aDrainingSidecarSendsNewRoomsAwayAndKeepsItsOwn() {
        rooms1.add("old");
        assertThat(s1.route("old", false)).isEqualTo(JoinRoute.HERE);
        drain1.start("test");
        assertThat(s1.notReady()).contains("draining");
        assertThat(s1.route("old", true)).as("its meeting goes on").isEqualTo(JoinRoute.HERE);
        JoinRoute fresh = s1.route("new-room", false);
        assertThat(fresh.kind()).isEqualTo(JoinRoute.Kind.REDIRECT);
        assertThat(fresh.url()).isEqualTo("http://10.0.0.2:8443");
        assertThat(s2.route("new-room", false)).as("the other sidecar owns it").isEqualTo(JoinRoute.HERE);
    }

    @Test
    void aRoomWhoseSidecarIsGoneIsTakenOverAndRedisAwayKeepsJoinsHere() throws Exception {
        assertThat(s2.route("orphan", false)).isEqualTo(JoinRoute.HERE);
        s2.close(); // its record and its claims go with it
        s2 = null;
        assertThat(s1.route("orphan", false)).isEqualTo(JoinRoute.HERE);
        redis.stop();
        long t0 = System.nanoTime();
        assertThat(s1.route("during-outage", false)).as("Redis away: the join stays here").isEqualTo(JoinRoute.HERE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2000);
        assertThat(s1.localFallbacks()).isEqualTo(1);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(c.ok()).as("within 15 s").isTrue();
    }
}
