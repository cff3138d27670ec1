package io.ams.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnginePlacementTest {
    private static EngineRecord engine(String id, String backend, double capacity, double load, boolean draining) {
        return new EngineRecord(id, "10.0.0.1:50051", backend, "", capacity, load, (int) load, draining);
    }

    @Test
    void noEngineOrOnlyDrainingOnesGiveNothing() {
        assertThat(EnginePlacement.choose(List.of(), Set.of(), Map.of(), new Random(1))).isEmpty();
        assertThat(EnginePlacement.choose(List.of(engine("a", "cpu", 4, 0, true)), Set.of(), Map.of(), new Random(1))).isEmpty();
        assertThat(EnginePlacement.choose(List.of(engine("a", "cpu", 4, 0, false)), Set.of("a"), Map.of(), new Random(1))).isEmpty();
    }

    @Test
    void gpuEnginesWithRoomComeFirst() {
        List<EngineRecord> all = List.of(engine("cpu1", "cpu", 10, 0, false), engine("gpu1", "gpu", 10, 8, false),
                engine("cpu2", "cpu", 10, 1, false));
        for (int seed = 0; seed < 50; seed++) {
            assertThat(EnginePlacement.choose(all, Set.of(), Map.of(), new Random(seed)).orElseThrow().id()).isEqualTo("gpu1");
        }
        // the GPU engine full: a CPU one with room
        List<EngineRecord> gpuFull = List.of(engine("cpu1", "cpu", 10, 0, false), engine("gpu1", "gpu", 10, 9.5, false));
        assertThat(EnginePlacement.choose(gpuFull, Set.of(), Map.of(), new Random(3)).orElseThrow().id()).isEqualTo("cpu1");
    }

    @Test
    void everyEngineFullTheLeastLoadedTakesIt() {
        List<EngineRecord> full = List.of(engine("a", "cpu", 2, 3, false), engine("b", "cpu", 2, 2, false));
        assertThat(EnginePlacement.choose(full, Set.of(), Map.of(), new Random(1)).orElseThrow().id()).isEqualTo("b");
    }

    @Test
    void twoChoicesSpreadRoomsAndNeverPickTheFullerOfAPair() {
        // three equal engines and a stream of rooms placed from one view plus what this caller placed since
        List<EngineRecord> all = List.of(engine("a", "cpu", 100, 0, false), engine("b", "cpu", 100, 0, false),
                engine("c", "cpu", 100, 0, false));
        Map<String, Double> pending = new HashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 60; i++) {
            String id = EnginePlacement.choose(all, Set.of(), pending, r).orElseThrow().id();
            pending.merge(id, 1.0, Double::sum);
        }
        assertThat(pending.values()).allSatisfy(n -> assertThat(n).isBetween(15.0, 25.0));
        // with one engine much emptier, it is never the loser of a pair it is in
        List<EngineRecord> skewed = List.of(engine("a", "cpu", 10, 9, false), engine("b", "cpu", 10, 0, false));
        for (int seed = 0; seed < 20; seed++) {
            assertThat(EnginePlacement.choose(skewed, Set.of(), Map.of(), new Random(seed)).orElseThrow().id()).isEqualTo("b");
        }
    }

    @Test
    void sidecarKeepsANewRoomUnlessAnotherIsClearlyEmptier() {
        SidecarRecord self = new SidecarRecord("s1", "http://a:1", 2, 10, false);
        SidecarRecord other = new SidecarRecord("s2", "http://b:1", 1, 8, false);
        assertThat(SidecarPlacement.choose(List.of(self, other), self).orElseThrow().id()).isEqualTo("s1");
        SidecarRecord emptier = new SidecarRecord("s2", "http://b:1", 0, 2, false);
        assertThat(SidecarPlacement.choose(List.of(self, emptier), self).orElseThrow().id()).isEqualTo("s2");
        SidecarRecord draining = new SidecarRecord("s1", "http://a:1", 2, 0, true);
        assertThat(SidecarPlacement.choose(List.of(draining, other), draining).orElseThrow().id()).isEqualTo("s2");
        assertThat(SidecarPlacement.choose(List.of(draining), draining)).isEmpty();
    }
}
