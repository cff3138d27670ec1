package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not part of the test suite (run by benchmarks/uplink-bytes.sh): the cameras' uplink of a
 * {@value #PEOPLE}-person Chromium room, with dynamic resolution on (the default) and off (every camera
 * sends every simulcast layer), as the browsers' own outbound-rtp byte counters say, summed over all
 * layers of all cameras over {@value #MEASURE_SECONDS} s after a {@value #SETTLE_SECONDS} s settle.
 * Prints one line per mode; docs/BENCHMARKS.md keeps the figures.
 */
class UplinkBytesBenchmark {
    static final int PEOPLE = Integer.getInteger("ams.bench.people", 9);
    static final int SETTLE_SECONDS = 20;
    static final int MEASURE_SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void uplinkWithAndWithoutDynamicResolution() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed");
        long on = run(true);
        long off = run(false);
        System.out.printf("uplink bytes, %d Chromium participants: dynamic resolution on %d kbps, off %d kbps (%.0f %% saved)%n",
                PEOPLE, on / 1000, off / 1000, 100.0 * (off - on) / off);
        assertThat(on).isPositive();
    }

    private long run(boolean dynamic) throws Exception {
        String room = "uplink-" + (dynamic ? "on" : "off");
        Path d = Files.createDirectories(dir.resolve(room));
        List<Browser> browsers = new ArrayList<>();
        try (Meeting meeting = new Meeting(d, 0)) {
            for (int i = 0; i < PEOPLE; i++) {
                String name = "p" + (i + 1);
                String rgb = String.format("%02X%02X%02X", 40 + 20 * i, 200 - 15 * i, 60 + 10 * i);
                Path y4m = FakeMedia.colourWithNoise(d, name, rgb, 640, 360, 15);
                Path wav = FakeMedia.tone(d, name, i == 0 ? 0.8 : 0);
                Browser b = new Browser(name, y4m, wav, Files.createDirectories(d.resolve("profile-" + name)));
                browsers.add(b);
                b.open(meeting.url(room, name));
                if (i == 0) {
                    assertThat(Meeting.await(30, () -> meeting.room(room) != null)).isTrue();
                    meeting.room(room).setDynamicResolution(dynamic);
                }
            }
            for (Browser b : browsers) {
                assertThat(Meeting.await(90, () -> "connected".equals(b.state()))).as(b.label + " connected").isTrue();
            }
            Thread.sleep(SETTLE_SECONDS * 1000L);
            long[] before = bytes(browsers);
            long t0 = System.nanoTime();
            Thread.sleep(MEASURE_SECONDS * 1000L);
            long[] after = bytes(browsers);
            double secs = (System.nanoTime() - t0) / 1e9;
            long total = 0;
            StringBuilder each = new StringBuilder();
            for (int i = 0; i < browsers.size(); i++) {
                long bps = (long) ((after[i] - before[i]) * 8 / secs);
                total += bps;
                each.append(' ').append(browsers.get(i).label).append('=').append(bps / 1000);
            }
            System.out.printf("uplink bytes: dynamic resolution %s: %d kbps in total; per camera (kbps):%s%n",
                    dynamic ? "on" : "off", total / 1000, each);
            return total;
        } finally {
            browsers.forEach(Browser::close);
        }
    }

    @SuppressWarnings("unchecked")
    private static long[] bytes(List<Browser> browsers) {
        long[] out = new long[browsers.size()];
        for (int i = 0; i < browsers.size(); i++) {
            Map<String, Object> s = browsers.get(i).stats();
            List<Map<String, Object>> layers = s == null ? List.of() : (List<Map<String, Object>>) s.get("outboundLayers");
            for (Map<String, Object> l : layers) {
                out[i] += ((Number) l.get("bytesSent")).longValue();
            }
        }
        return out;
    }
}
