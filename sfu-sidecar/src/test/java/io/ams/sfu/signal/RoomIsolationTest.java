package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.room.SfuRoom;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms cannot stall each other: with one room's work held up (its lane blocked, as a slow or stuck
 * operation would), other rooms still join, leave, close and tick, and the held room catches up, in
 * order, once released. No engine runs.
 */
class RoomIsolationTest {
    @TempDir
    static Path dir;
    static Sidecar sidecar;

    @BeforeAll
    static void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    static String join(String room, String name) {
        return WsClient.JSON.createObjectNode().put("type", "join").put("room", room).put("name", name)
                .put("token", sidecar.tokens().issue(room, name, Duration.ofMinutes(5))).toString();
    }

    @Test
    void aStuckRoomHoldsUpNeitherSignalingNorTicksOfOtherRooms() throws Exception {
        WsClient ada = WsClient.open(sidecar.httpPort());
        ada.send(join("stuck", "Ada"));
        ada.next("joined");
        SfuRoom stuck = sidecar.rooms().get("stuck");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        stuck.lane().execute(() -> {
            blocked.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        long stuckTicks = stuck.ticks();
        ada.send("{\"type\":\"mute\",\"audio\":true,\"video\":false}"); // waits behind the block

        try {
            WsClient bob = WsClient.open(sidecar.httpPort());
            bob.send(join("free", "Bob"));
            assertThat(bob.next("joined").path("room").asText()).isEqualTo("free");
            assertThat(bob.next("offer").path("sdp").asText()).contains("m=video");
            SfuRoom free = sidecar.rooms().get("free");
            long freeTicks = free.ticks();
            assertThat(await(() -> free.ticks() >= freeTicks + 10)).as("the other room ticks on: " + free.ticks()).isTrue();

            WsClient cy = WsClient.open(sidecar.httpPort());
            cy.send(join("brief", "Cy"));
            cy.next("joined");
            cy.send("{\"type\":\"leave\"}");
            assertThat(await(() -> sidecar.rooms().get("brief") == null)).as("a third room opened and closed").isTrue();
            WsClient pinger = WsClient.open(sidecar.httpPort());
            pinger.send("{\"type\":\"ping\"}");
            assertThat(pinger.next("pong")).isNotNull();

            assertThat(stuck.ticks()).as("the held room did not tick").isEqualTo(stuckTicks);
            assertThat(stuck.ticksSkipped()).as("its ticks were skipped, not piled up").isPositive();
            assertThat(stuck.lane().queued()).as("tasks waiting on the held lane: one tick and Ada's mute").isLessThanOrEqualTo(3);
        } finally {
            release.countDown();
        }

        JsonNode muted = null;
        for (int i = 0; i < 20 && muted == null; i++) {
            JsonNode p = ada.next("participants");
            if (p.path("list").path(0).path("audioMuted").asBoolean()) {
                muted = p;
            }
        }
        assertThat(muted).as("Ada's mute, sent while the room was held, is applied after").isNotNull();
        long after = stuck.ticks();
        assertThat(await(() -> stuck.ticks() >= after + 5)).as("the released room ticks again").isTrue();
        ada.ws.sendClose(1000, "bye");
        assertThat(await(() -> sidecar.rooms().get("stuck") == null)).as("Ada gone: her room closes").isTrue();
        assertThat(await(() -> sidecar.rooms().lanes().peek("stuck") == null && sidecar.rooms().lanes().peek("brief") == null))
                .as("the lanes of closed rooms are forgotten").isTrue();
    }

    @Test
    void joinsNamingRoomsThatNeverOpenLeaveNoLanesBehind() throws Exception {
        for (int i = 0; i < 20; i++) {
            WsClient c = WsClient.open(sidecar.httpPort());
            c.send("{\"type\":\"join\",\"room\":\"nope" + i + "\",\"name\":\"x\",\"token\":\"forged\"}");
            assertThat(c.next("error").path("code").asText()).isNotEmpty();
        }
        assertThat(await(() -> {
            for (int i = 0; i < 20; i++) {
                if (sidecar.rooms().lanes().peek("nope" + i) != null) {
                    return false;
                }
            }
            return true;
        })).as("refused joins hold no lanes").isTrue();
    }

    private static boolean await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }
}
