package io.ams.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.ams.engine.codec.EncoderConfig;
import io.ams.proto.v1.Backend;

class BackendPolicyTest {
    static final EncoderConfig CONFIG = FallbackMixBackendTest.CONFIG;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> opened = new ArrayList<>();

    BackendPolicy policy(long failAt) {
        return new BackendPolicy("no GPU", (room, output, cfg) -> {
            opened.add(room);
            return new FaultyBackend(cfg, failAt);
        }, now::get, 30_000, 600_000);
    }

    void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    /** Mixes until the backend moved (or n frames). */
    static void run(MixBackend b, int n) {
        for (int i = 0; i < n; i++) {
            b.mix(FallbackMixBackendTest.frame(i));
        }
    }

    @Test
    void aCpuOnlyEngineOpensEveryOutputOnTheCpuWithItsReason() {
        try (MixBackend b = BackendPolicy.cpuOnly("auto: CPU backend because no NVIDIA driver").open("r", "main",
                CONFIG, null)) {
            assertThat(b.kind()).isEqualTo(Backend.CPU);
            assertThat(b.reason()).isEqualTo("auto: CPU backend because no NVIDIA driver");
        }
    }

    @Test
    void aFaultSendsNewRoomsToTheCpuForTheBackOffThenTheGpuIsTriedAgain() {
        BackendPolicy p = policy(2);
        List<String> events = new ArrayList<>();
        try (MixBackend a = p.open("a", "main", CONFIG, (r, o, b, f) -> events.add(r + "/" + o + " " + b.kind()))) {
            assertThat(a.kind()).isEqualTo(Backend.GPU);
            run(a, 3);
            assertThat(a.kind()).isEqualTo(Backend.CPU);
            assertThat(events).containsExactly("a/main CPU");
            assertThat(p.fallbacks()).isEqualTo(1);
            assertThat(p.backoffRemainingMillis()).isEqualTo(30_000);

            advance(10);
            try (MixBackend b = p.open("b", "main", CONFIG, null)) {
                assertThat(b.kind()).isEqualTo(Backend.CPU);
                assertThat(b.reason()).contains("retried for new rooms in 20 s").contains("CUDA_ERROR_LAUNCH_FAILED");
                assertThat(opened).as("the device is not asked while backing off").containsExactly("a");
                assertThat(p.nextBackend()).isEqualTo(Backend.CPU);
            }
            advance(20);
            assertThat(p.nextBackend()).isEqualTo(Backend.GPU);
            try (MixBackend c = p.open("c", "main", CONFIG, null)) {
                assertThat(c.kind()).isEqualTo(Backend.GPU);
                run(c, 3); // faults again, soon after the first: the back-off doubles
                assertThat(p.backoffRemainingMillis()).isEqualTo(60_000);
            }
            advance(60 + 601); // a long quiet spell: the back-off starts over
            try (MixBackend d = p.open("d", "main", CONFIG, null)) {
                run(d, 3);
                assertThat(p.backoffRemainingMillis()).isEqualTo(30_000);
            }
            assertThat(a.kind()).as("a room that fell back stays on the CPU").isEqualTo(Backend.CPU);
        }
    }

    @Test
    void aDeviceThatCannotOpenAnOutputGivesTheCpuAndBacksOff() {
        BackendPolicy p = new BackendPolicy("no GPU", (room, output, cfg) -> {
            throw new BackendFault("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY");
        }, now::get, 30_000, 600_000);
        try (MixBackend b = p.open("r", "main", CONFIG, null)) {
            assertThat(b.kind()).isEqualTo(Backend.CPU);
            assertThat(b.reason()).contains("could not open this output").contains("OUT_OF_MEMORY");
            assertThat(b.mix(FallbackMixBackendTest.frame(0)).frames()).isNotEmpty();
        }
        assertThat(p.fallbacks()).isEqualTo(1);
        assertThat(p.nextBackend()).isEqualTo(Backend.CPU);
    }

    @Test
    void badBackOffSettingsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BackendPolicy("x", null, now::get, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
