package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.app.Cli;
import io.ams.cluster.RedisServer;
import io.ams.sfu.auth.JoinTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's cluster with real processes: a redis-server, two engines and two sidecars (`ams engine|sidecar
 * --redis-uri`), Chromium participants. Rooms spread over both engines; a participant who opens the wrong sidecar
 * ends up in the room with the others; kill -9 of the room's engine keeps the relay and brings the mix back from the
 * other engine; the last engine refuses to drain; `ams ctl drain` moves the room and the engine exits 0; with Redis
 * stopped the meeting goes on; a drained sidecar sends new rooms to the other one and reads not ready.
 */
class ClusterIT {
    static final String ROOM = "cluster-it";
    static final int[] RED = {0xE0, 0x1E, 0x1E};
    static final int[] GREEN = {0x1E, 0xC8, 0x1E};

    @TempDir
    Path dir;

    @Test
    void aMeetingSurvivesItsEngineAndRedisAndFindsItsSidecar() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(RedisServer.installed(), "redis-server is not installed (.ci/run installs it)");
        List<AutoCloseable> open = new ArrayList<>();
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            String uri = redis.uri();
            int g1 = FreePorts.tcp();
            int g2 = FreePorts.tcp();
            String[] engineFlags = {"--redis-uri", uri, "--capacity", "4", "--drain-grace", "20s"};
            AmsProcess e1 = engine("e1", g1, engineFlags);
            open.add(e1);
            AmsProcess e2 = engine("e2", g2, engineFlags);
            open.add(e2);
            Path data1 = Files.createDirectories(dir.resolve("s1-data"));
            Path data2 = Files.createDirectories(dir.resolve("s2-data"));
            JoinTokens tokens = new JoinTokens(JoinTokens.loadOrCreateKey(data1.resolve("token.key")));
            Files.copy(data1.resolve("token.key"), data2.resolve("token.key")); // the cluster's sidecars share the key
            int h1 = FreePorts.tcp();
            int h2 = FreePorts.tcp();
            int c1 = FreePorts.tcp();
            int c2 = FreePorts.tcp();
            String[] mix = {"--mix-size", Meeting.MIX_W + "x" + Meeting.MIX_H, "--mix-fps", "15"};
            int m1 = FreePorts.tcp();
            AmsProcess s1 = AmsProcess.clusterSidecar(dir, data1, h1, FreePorts.udp(), c1, uri, "s1", mix[0], mix[1], mix[2],
                    mix[3], "--metrics-port", Integer.toString(m1));
            open.add(s1);
            AmsProcess s2 = AmsProcess.clusterSidecar(dir, data2, h2, FreePorts.udp(), c2, uri, "s2", mix);
            open.add(s2);
            RedisClient client = RedisClient.create(uri);
            StatefulRedisConnection<String, String> conn = client.connect();
            RedisCommands<String, String> r = conn.sync();
            try {
                assertThat(Meeting.await(15, () -> r.keys("ams:engine:*").size() == 2 && r.keys("ams:sidecar:*").size() == 2))
                        .as("both engines and both sidecars registered: " + r.keys("ams:*")).isTrue();

                // rooms spread over both engines: six rooms held open by plain signaling clients
                List<WebSocket> holders = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    holders.add(join(h1, tokens, "spread-" + i, "holder"));
                }
                assertThat(Meeting.await(15, () -> r.keys("ams:room:spread-*:engine").size() == 6))
                        .as("six rooms placed: " + r.keys("ams:room:*") + "\n" + tail(s1)).isTrue();
                Set<String> used = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    used.add(r.get("ams:room:spread-" + i + ":engine"));
                }
                assertThat(used).as("rooms placed on both engines").containsExactlyInAnyOrder("e1", "e2");
                Set<String> owners = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    owners.add(r.get("ams:room:spread-" + i + ":sidecar"));
                }
                assertThat(owners).as("new rooms go to the emptier sidecar too").containsExactlyInAnyOrder("s1", "s2");
                for (WebSocket w : holders) {
                    w.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
                }

                try (Browser red = browser("red", "E01E1E");
                     Browser green = browser("green", "1EC81E")) {
                    red.open(url(h1, tokens, "red"));
                    assertThat(Meeting.await(20, () -> "s1".equals(r.get("ams:room:" + ROOM + ":sidecar"))))
                            .as("the room is owned by the sidecar red joined").isTrue();
                    // green opens the other sidecar: it is sent to s1 and meets red there
                    green.open(url(h2, tokens, "green"));
                    for (Browser b : List.of(red, green)) {
                        assertThat(Meeting.await(60, () -> b.framesDecoded("main") > 10 && mixShows(b)))
                                .as(b.label + " decodes main and a mix with both colours: " + b.stats() + " state " + b.state()
                                        + " errors " + b.field("errors")).isTrue();
                    }
                    assertThat(String.valueOf(green.js("return location.port"))).as("green was sent to s1").isEqualTo(
                            Integer.toString(h1));

                    // kill -9 of the room's engine: the relay goes on, the mix comes back from the other engine
                    String first = r.get("ams:room:" + ROOM + ":engine");
                    AmsProcess victim = first.equals("e1") ? e1 : e2;
                    long mainBefore = red.framesDecoded("main");
                    Object mainStatsBefore = red.stats().get("main");
                    long t0 = System.nanoTime();
                    victim.kill9();
                    assertThat(Meeting.await(30, () -> {
                        String now = r.get("ams:room:" + ROOM + ":engine");
                        return now != null && !now.equals(first);
                    })).as("the room is placed on the other engine").isTrue();
                    long mixAtMove = green.framesDecoded("mix");
                    assertThat(Meeting.await(30, () -> green.framesDecoded("mix") > mixAtMove + 15 && mixShows(green)))
                            .as("the mix comes back with both colours: " + green.stats()).isTrue();
                    double mixBack = (System.nanoTime() - t0) / 1e9;
                    assertThat(Meeting.await(10, () -> red.framesDecoded("main") > mainBefore + 15))
                            .as("the relay went on: before " + mainStatsBefore + ", now " + red.stats().get("main") + "\n"
                                    + s1.logText().lines().filter(l -> l.contains("cluster-it")).reduce("", (a, b) -> a + b + "\n"))
                            .isTrue();
                    System.out.printf("cluster: kill -9 of engine %s; the mix was back from the other engine %.1f s later%n",
                            first, mixBack);
                    s1.logText().lines().filter(l -> l.contains("engine cluster")).forEach(System.out::println);
                    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m1
                            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                    assertThat(metrics).as("the move is counted").contains("ams_sfu_mix_moves_total{reason=\"engine_lost\"} 1.0")
                            .contains("ams_sfu_cluster_redis_up 1.0");
                    AmsProcess survivor = victim == e1 ? e2 : e1;
                    String survivorId = victim == e1 ? "e2" : "e1";
                    int survivorPort = victim == e1 ? g2 : g1;

                    // the last engine refuses to drain
                    Cli.Result refused = Cli.run("ctl", "--target", "127.0.0.1:" + survivorPort, "drain");
                    assertThat(refused.exit()).as(refused.err()).isNotZero();
                    assertThat(refused.err()).contains("drain refused").contains("no other engine");

                    // a fresh engine joins; draining the survivor moves the room there and the survivor exits 0
                    AmsProcess e3 = engine("e3", FreePorts.tcp(), engineFlags);
                    open.add(e3);
                    assertThat(Meeting.await(15, () -> r.exists("ams:engine:e3") == 1)).isTrue();
                    Cli.Result drained = Cli.run("ctl", "--target", "127.0.0.1:" + survivorPort, "drain");
                    assertThat(drained.exit()).as(drained.err()).isZero();
                    assertThat(drained.out()).contains("draining");
                    assertThat(Meeting.await(30, () -> "e3".equals(r.get("ams:room:" + ROOM + ":engine"))))
                            .as("the drained engine's room moves to e3").isTrue();
                    assertThat(survivor.process.waitFor(40, TimeUnit.SECONDS)).as("the drained engine exits").isTrue();
                    assertThat(survivor.process.exitValue()).as("drained engine %s exits 0", survivorId).isZero();
                    long mixAtDrain = red.framesDecoded("mix");
                    assertThat(Meeting.await(30, () -> red.framesDecoded("mix") > mixAtDrain + 15 && mixShows(red)))
                            .as("the mix comes from e3: " + red.stats()).isTrue();

                    // Redis stopped mid-meeting: the meeting goes on, and the nodes register again once it is back
                    redis.stop();
                    long mainAtStop = green.framesDecoded("main");
                    long mixAtStop = green.framesDecoded("mix");
                    Thread.sleep(6000);
                    assertThat(green.framesDecoded("main")).as("relay without Redis").isGreaterThan(mainAtStop + 30);
                    assertThat(green.framesDecoded("mix")).as("mix without Redis").isGreaterThan(mixAtStop + 30);
                    assertThat(green.state()).isEqualTo("connected");
                    redis.start();
                    RedisClient again = RedisClient.create(uri);
                    try (StatefulRedisConnection<String, String> c = again.connect()) {
                        assertThat(Meeting.await(15, () -> c.sync().keys("ams:sidecar:*").size() == 2
                                && c.sync().exists("ams:engine:e3") == 1
                                && "s1".equals(c.sync().get("ams:room:" + ROOM + ":sidecar"))))
                                .as("nodes and the room's owner back in Redis: " + c.sync().keys("ams:*")).isTrue();

                        // the meeting's sidecar drained: not ready, its meeting goes on, a new room goes to the other
                        Cli.Result sfuDrain = Cli.run("ctl", "sfu", "--sfu", "127.0.0.1:" + c1, "drain");
                        assertThat(sfuDrain.exit()).as(sfuDrain.err()).isZero();
                        assertThat(sfuDrain.out()).contains("1 meeting(s) go on");
                        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + h1 + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(health.statusCode()).isEqualTo(503);
                        assertThat(health.body()).contains("draining");
                        List<String> said = new ArrayList<>();
                        WebSocket w = join(h1, tokens, "after-drain", "late", new ArrayList<>() {
                            @Override
                            public boolean add(String m) {
                                synchronized (said) {
                                    said.add(m);
                                }
                                return true;
                            }
                        });
                        assertThat(Meeting.await(10, () -> {
                            synchronized (said) {
                                return said.stream().anyMatch(m -> m.contains("\"redirect\"") && m.contains("127.0.0.1:" + h2));
                            }
                        })).as("a new room at the drained sidecar is sent to s2: " + said).isTrue();
                        w.abort();
                        long mainNow = red.framesDecoded("main");
                        assertThat(Meeting.await(10, () -> red.framesDecoded("main") > mainNow + 15))
                                .as("the drained sidecar's meeting goes on").isTrue();
                    } finally {
                        again.shutdown();
                    }
                }
            } finally {
                conn.close();
                client.shutdown();
            }
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    private static String tail(AmsProcess p) {
        String s = p.logText();
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    private AmsProcess engine(String id, int port, String... flags) throws Exception {
        Path d = Files.createDirectories(dir.resolve(id));
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("--engine-id", id));
        return AmsProcess.engine(d, null, "127.0.0.1", port, args.toArray(String[]::new));
    }

    /** The mix shows red and green somewhere along its middle row. */
    private static boolean mixShows(Browser b) {
        boolean red = false;
        boolean green = false;
        for (int i = 1; i < 20; i++) {
            List<Long> px = b.sample("mix", i / 20.0, 0.5);
            red |= Meeting.near(px, RED, 60);
            green |= Meeting.near(px, GREEN, 60);
        }
        return red && green;
    }

    /** A plain signaling client that joins (following a redirect to the room's sidecar) and keeps the session open. */
    private static WebSocket join(int http, JoinTokens tokens, String room, String name) throws Exception {
        List<String> said = new ArrayList<>();
        WebSocket ws = join(http, tokens, room, name, said);
        Meeting.await(10, () -> {
            synchronized (said) {
                return !said.isEmpty();
            }
        });
        String first;
        synchronized (said) {
            first = said.isEmpty() ? "" : said.get(0);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"url\":\"http://127\\.0\\.0\\.1:(\\d+)\"").matcher(first);
        if (first.contains("\"redirect\"") && m.find()) {
            ws.abort();
            return join(Integer.parseInt(m.group(1)), tokens, room, name, new ArrayList<>());
        }
        return ws;
    }

    /** A plain signaling client: joins and keeps the session open (its messages go to {@code said}). */
    private static WebSocket join(int http, JoinTokens tokens, String room, String name, List<String> said) throws Exception {
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + http + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        synchronized (said) {
                            said.add(data.toString());
                        }
                        w.request(1);
                        return CompletableFuture.completedFuture(null);
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"token\":\""
                + tokens.issue(room, name, Duration.ofMinutes(30)) + "\"}", true).get(5, TimeUnit.SECONDS);
        return ws;
    }

    private static String url(int http, JoinTokens tokens, String name) {
        return "http://127.0.0.1:" + http + "/?room=" + ROOM + "&name=" + name + "&token="
                + URLEncoder.encode(tokens.issue(ROOM, name, Duration.ofMinutes(30)), StandardCharsets.UTF_8);
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }
}
