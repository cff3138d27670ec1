package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not part of the test suite (run by benchmarks/soak.sh): the soak of issue 8 part 8 against
 * the all-in-one server, with real aiortc peers ({@link SoakDriver}).
 * <ol>
 * <li>Ramp: peers join one room one at a time (at most {@code ams.soak.maxPeers}, default 16); after
 * each, every peer's decoded main and mix frame rates over 10 s. The room is held while every peer gets
 * at least 80 % of the rates the first two peers got; the peak is the last size that held.</li>
 * <li>Meeting: that many peers for {@code ams.soak.meetingMinutes} (default 10), rates printed each
 * minute; then all leave and resources are compared with the baseline.</li>
 * <li>Join/leave cycles: {@code ams.soak.cycles} (default 1,000), stopping early when
 * {@code ams.soak.cycleMinutes} (0: no limit) is spent; resources printed every 100 cycles and compared
 * with the baseline at the end.</li>
 * </ol>
 * Every line it prints starts with "soak"; docs/BENCHMARKS.md keeps the figures.
 */
class SoakBenchmark {
    static final int MAX_PEERS = Integer.getInteger("ams.soak.maxPeers", 16);
    static final int MEETING_MINUTES = Integer.getInteger("ams.soak.meetingMinutes", 10);
    static final int CYCLES = Integer.getInteger("ams.soak.cycles", 1000);
    static final int CYCLE_MINUTES = Integer.getInteger("ams.soak.cycleMinutes", 0);
    static final String RAMP = "soak-ramp";

    @TempDir
    Path dir;

    @Test
    void rampMeetingAndCycles() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> problems = new ArrayList<>();
        try (Meeting meeting = new Meeting(dir, port);
             SoakDriver driver = new SoakDriver(meeting.server, dir)) {
            driver.startAnchor();
            for (int i = 0; i < JoinLeaveSoakIT.WARMUP; i++) {
                driver.cycle(i);
            }
            ProcessResources baseline = ProcessResources.now();
            say("baseline (anchor peer in, after %d warm-up cycles): %s", JoinLeaveSoakIT.WARMUP, baseline.line());

            int peak = ramp(driver);
            meeting(driver, peak, baseline, problems);
            cycles(driver, baseline, problems);
        }
        say("problems: %s", problems.isEmpty() ? "none" : problems);
        assertThat(problems).isEmpty();
    }

    private int ramp(SoakDriver driver) throws Exception {
        List<AiortcParticipant> peers = new ArrayList<>();
        double wantMain = 0;
        double wantMix = 0;
        int held = 0;
        try {
            for (int n = 1; n <= MAX_PEERS; n++) {
                AiortcParticipant p = driver.join(RAMP, "ramp-" + n, new int[] {20 + 13 * n, 100, 220 - 11 * n});
                peers.add(p);
                boolean alone = n == 1; // no one else's picture to relay yet
                boolean joined = Meeting.await(60, () -> "connected".equals(p.state()) && p.frames("mix") > 3
                        && (alone || p.frames("main") > 3));
                if (!joined) {
                    say("ramp: peer %d did not get connected and decoding within 60 s: %s", n, p.report);
                    break;
                }
                Thread.sleep(3000);
                double[] main = SoakDriver.fps(peers, "main", 10);
                double[] mix = SoakDriver.fps(peers, "mix", 10);
                double minMain = Arrays.stream(main).min().orElse(0);
                double minMix = Arrays.stream(mix).min().orElse(0);
                if (n == 2) {
                    wantMain = 0.8 * minMain;
                    wantMix = 0.8 * minMix;
                }
                boolean ok = n < 2 || minMain >= wantMain && minMix >= wantMix;
                say("ramp: %d peers: main fps min %.1f avg %.1f, mix fps min %.1f avg %.1f, %s", n, minMain,
                        Arrays.stream(main).average().orElse(0), minMix, Arrays.stream(mix).average().orElse(0),
                        ok ? "held" : "NOT held (below 80 % of the 2-peer rates " + String.format("%.1f/%.1f", wantMain, wantMix) + ")");
                if (!ok) {
                    break;
                }
                held = n;
            }
        } finally {
            peers.forEach(AiortcParticipant::close);
        }
        SoakDriver.awaitOrFail(30, () -> driver.sidecarSize(RAMP) == 0, () -> "ramp peers left");
        say("ramp: peak peers held on this machine: %d (the aiortc peers run on the same 2 cores as the server)", held);
        return Math.max(held, 2);
    }

    private void meeting(SoakDriver driver, int peers, ProcessResources baseline, List<String> problems) throws Exception {
        say("meeting: %d peers for %d minutes", peers, MEETING_MINUTES);
        List<AiortcParticipant> ps = driver.meeting("soak-meeting", peers);
        long start = System.nanoTime();
        try {
            say("meeting: all %d joined: %s", peers, ProcessResources.now().line());
            for (int m = 1; m <= MEETING_MINUTES; m++) {
                long until = start + m * 60_000_000_000L - 10_000_000_000L;
                Thread.sleep(Math.max(0, (until - System.nanoTime()) / 1_000_000));
                double[] main = SoakDriver.fps(ps, "main", 10);
                double[] mix = SoakDriver.fps(ps, "mix", 10);
                double minMix = Arrays.stream(mix).min().orElse(0);
                say("meeting: minute %d: main fps min %.1f avg %.1f, mix fps min %.1f avg %.1f; sidecar %d, engine %d participants",
                        m, Arrays.stream(main).min().orElse(0), Arrays.stream(main).average().orElse(0), minMix,
                        Arrays.stream(mix).average().orElse(0), driver.sidecarSize("soak-meeting"), driver.engineSize("soak-meeting"));
                if (minMix < 1) {
                    problems.add("meeting minute " + m + ": a peer decodes no mix");
                }
            }
            say("meeting: before leaving: %s", ProcessResources.now().line());
        } finally {
            ps.forEach(AiortcParticipant::close);
        }
        SoakDriver.awaitOrFail(30, () -> driver.sidecarSize("soak-meeting") == 0, () -> "meeting peers left");
        List<String> leaks = SoakDriver.settle(baseline, 60);
        say("meeting: after all left: %s; over baseline: %s", ProcessResources.now().line(), leaks.isEmpty() ? "nothing" : leaks);
        if (!leaks.isEmpty()) {
            problems.add("after the meeting: " + leaks);
        }
    }

    private void cycles(SoakDriver driver, ProcessResources baseline, List<String> problems) throws Exception {
        long deadline = CYCLE_MINUTES <= 0 ? Long.MAX_VALUE : System.nanoTime() + CYCLE_MINUTES * 60_000_000_000L;
        int done = 0;
        int failed = 0;
        long total = 0;
        long slowest = 0;
        long t0 = System.nanoTime();
        int first = JoinLeaveSoakIT.WARMUP;
        for (int i = first; i < first + CYCLES && System.nanoTime() < deadline; i++) {
            try {
                long ms = driver.cycle(i);
                total += ms;
                slowest = Math.max(slowest, ms);
            } catch (AssertionError e) {
                failed++;
                say("cycles: cycle %d failed: %s", i, e.getMessage());
                if (failed > 10) {
                    problems.add("more than 10 failed cycles");
                    break;
                }
                Thread.sleep(5000);
            }
            done++;
            if (done % 100 == 0) {
                say("cycles: %d done (%d failed), %.0f s: %s", done, failed, (System.nanoTime() - t0) / 1e9,
                        ProcessResources.now().line());
            }
        }
        List<String> leaks = SoakDriver.settle(baseline, 60);
        ProcessResources after = ProcessResources.now();
        say("cycles: %d join/leave cycles run (%d asked%s), %d failed, %.1f s per cycle on average, slowest %.1f s, %.0f s in all",
                done, CYCLES, done < CYCLES ? ", stopped by the time limit of " + CYCLE_MINUTES + " min" : "", failed,
                total / 1000.0 / Math.max(1, done - failed), slowest / 1000.0, (System.nanoTime() - t0) / 1e9);
        say("cycles: before %s", baseline.line());
        say("cycles: after  %s; over baseline: %s", after.line(), leaks.isEmpty() ? "nothing" : leaks);
        if (failed > 0) {
            problems.add(failed + " failed cycles");
        }
        if (!leaks.isEmpty()) {
            problems.add("after the cycles: " + leaks);
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf("soak %tT " + format + "%n", prepend(System.currentTimeMillis(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] out = new Object[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
