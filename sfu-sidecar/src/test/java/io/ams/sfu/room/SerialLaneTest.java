package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialLaneTest {
    private final RoomLanes lanes = new RoomLanes(2);

    @AfterEach
    void close() {
        lanes.close();
    }

    @Test
    void runsItsTasksOneAtATimeInOrderEvenWhenOneThrows() throws Exception {
        SerialLane lane = lanes.acquire("a");
        List<Integer> order = new CopyOnWriteArrayList<>();
        AtomicInteger overlapping = new AtomicInteger();
        AtomicInteger maxOverlap = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 500; i++) {
            int n = i;
            lane.execute(() -> {
                maxOverlap.accumulateAndGet(overlapping.incrementAndGet(), Math::max);
                order.add(n);
                overlapping.decrementAndGet();
                if (n == 7) {
                    throw new IllegalStateException("a bad task");
                }
            });
        }
        lane.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).hasSize(500).isSorted();
        assertThat(maxOverlap.get()).as("tasks running at once").isEqualTo(1);
        assertThat(lane.failed()).isEqualTo(1);
    }

    @Test
    void aBlockedLaneHoldsUpNoOtherLane() throws Exception {
        SerialLane stuck = lanes.acquire("stuck");
        CountDownLatch release = new CountDownLatch(1);
        stuck.execute(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger afterBlock = new AtomicInteger();
        stuck.execute(afterBlock::incrementAndGet);
        CountDownLatch others = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            lanes.acquire("room" + i).execute(others::countDown);
        }
        lanes.lobby().execute(others::countDown);
        try {
            assertThat(others.await(10, TimeUnit.SECONDS)).as("100 other lanes ran while one is blocked").isTrue();
            assertThat(afterBlock.get()).as("the blocked lane's next task waits its turn").isZero();
        } finally {
            release.countDown();
        }
        CountDownLatch drained = new CountDownLatch(1);
        stuck.execute(drained::countDown);
        assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(afterBlock.get()).isEqualTo(1);
    }

    @Test
    void aFullLaneRefusesMoreAndCountsIt() throws Exception {
        SerialLane lane = new SerialLane("small", task -> { }, 3); // a pool that never runs anything
        lane.execute(() -> { });
        lane.execute(() -> { });
        lane.execute(() -> { });
        assertThatThrownBy(() -> lane.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("3 tasks already waiting");
        assertThat(lane.rejected()).isEqualTo(1);
    }

    @Test
    void lanesAreForgottenWhenTheirLastUserLetsGo() {
        SerialLane first = lanes.acquire("r");
        assertThat(lanes.acquire("r")).isSameAs(first);
        lanes.release("r");
        assertThat(lanes.peek("r")).isSameAs(first);
        lanes.release("r");
        assertThat(lanes.peek("r")).isNull();
        assertThat(lanes.size()).isZero();
    }
}
