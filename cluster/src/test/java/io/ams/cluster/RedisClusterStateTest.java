package io.ams.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster state against a real redis-server: records, expiry, claims and the outage behaviour. */
class RedisClusterStateTest {
    @TempDir
    Path dir;
    private RedisServer redis;
    private RedisStore store;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServer.installed(), "redis-server is not installed (apt-get install redis-server; .ci/run does)");
        redis = RedisServer.start(dir.resolve("redis"));
        store = new RedisStore(redis.uri());
    }

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void engineRecordsAppearWithTheirStateAndExpireWhenTheHeartbeatStops() throws Exception {
        AtomicReference<EngineRecord> state = new AtomicReference<>(
                new EngineRecord("e1", "127.0.0.1:50051", "gpu", "NVIDIA H200", 40, 3, 3, false));
        ClusterView view = new ClusterView(store);
        try (Heartbeat beat = Heartbeat.engine(store, state::get)) {
            awaitTrue(() -> view.engines().size() == 1);
            assertThat(view.engines().get(0)).isEqualTo(state.get());
            state.set(state.get().withDraining(true));
            beat.beatNow();
            awaitTrue(() -> view.engines().get(0).draining());
        }
        // close() deletes the record at once
        assertThat(view.engines()).isEmpty();
        // a node that dies without closing (its heartbeat thread gone) drops out within the TTL
        RedisStore other = new RedisStore(redis.uri());
        Heartbeat.engine(other, () -> new EngineRecord("e2", "127.0.0.1:50052", "cpu", "", 4, 0, 0, false));
        awaitTrue(() -> view.engines().size() == 1);
        other.close(); // the heartbeat's calls now fail: as if the process were gone
        long t0 = System.nanoTime();
        awaitTrue(() -> view.engines().isEmpty());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(Heartbeat.TTL_MS + 2000);
    }

    @Test
    void ofTwoSidecarsClaimingARoomOneWinsAndTheOtherLearnsWho() throws Exception {
        RoomOwnership rooms = new RoomOwnership(store);
        assertThat(rooms.claim("standup", "s1")).isEqualTo("s1");
        assertThat(rooms.claim("standup", "s2")).isEqualTo("s1");
        assertThat(rooms.owner("standup")).isEqualTo("s1");
        // refresh and release only touch what is the caller's
        assertThat(rooms.refresh(List.of("standup"), "s2")).isZero();
        assertThat(rooms.refresh(List.of("standup"), "s1")).isEqualTo(1);
        rooms.release("standup", "s2");
        assertThat(rooms.owner("standup")).isEqualTo("s1");
        rooms.placedOn("standup", "e1");
        assertThat(rooms.engineOf("standup")).isEqualTo("e1");
        rooms.release("standup", "s1");
        assertThat(rooms.owner("standup")).isNull();
        assertThat(rooms.engineOf("standup")).isNull();
        // racing threads: exactly one owner
        java.util.Set<String> winners = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] t = new Thread[8];
        for (int i = 0; i < t.length; i++) {
            String id = "s" + i;
            t[i] = new Thread(() -> winners.add(rooms.claim("race", id)));
            t[i].start();
        }
        for (Thread x : t) {
            x.join();
        }
        assertThat(winners).hasSize(1);
    }

    @Test
    void redisDownFailsFastWithAClearErrorAndRecovers() throws Exception {
        RoomOwnership rooms = new RoomOwnership(store);
        assertThat(rooms.claim("r", "s1")).isEqualTo("s1");
        redis.stop();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> rooms.claim("r2", "s1")).isInstanceOf(ClusterUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + redis.port());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3000);
        assertThat(store.available()).isFalse();
        assertThatThrownBy(() -> new ClusterView(store).engines()).isInstanceOf(ClusterUnavailableException.class);
        redis.start();
        awaitTrue(() -> {
            try {
                return "s1".equals(rooms.claim("r2", "s1"));
            } catch (ClusterUnavailableException e) {
                return false;
            }
        });
        assertThat(store.available()).isTrue();
        assertThat(store.failures()).isPositive();
    }

    @Test
    void aBadUriIsRefusedNamingIt() {
        assertThatThrownBy(() -> new RedisStore("http://nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--redis-uri http://nope");
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(c.ok()).as("condition within 15 s").isTrue();
    }
}
