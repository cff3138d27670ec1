package io.ams.app.meeting;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Debian Chromium driven by chromedriver, with fake camera and microphone read from
 * files (the browser loops them). One participant per browser, so each can have its own colour.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    final String label;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    Browser(String label, Path y4m, Path wav, Path profile) {
        this(label, y4m, wav, profile, false);
    }

    /**
     * @param acceptAnyCertificate adds {@code --ignore-certificate-errors}, for pages served with a
     *     self-signed certificate (what a person does by clicking through the browser's warning once).
     *     Off in the other constructor, so other tests keep Chromium's certificate checks.
     */
    Browser(String label, Path y4m, Path wav, Path profile, boolean acceptAnyCertificate) {
        this(label, y4m, wav, profile, acceptAnyCertificate, CHROMIUM, List.of());
    }

    /**
     * @param binary the browser to start, e.g. a script that runs Chromium in a network namespace
     * @param extraArgs more Chromium switches
     */
    Browser(String label, Path y4m, Path wav, Path profile, boolean acceptAnyCertificate, Path binary,
            List<String> extraArgs) {
        this.label = label;
        ChromeOptions o = new ChromeOptions();
        o.setBinary(binary.toFile());
        o.addArguments(extraArgs);
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-video-capture=" + y4m, "--use-file-for-fake-audio-capture=" + wav,
                "--disable-features=WebRtcHideLocalIpsWithMdns", "--window-size=1280,720",
                "--user-data-dir=" + profile);
        if (acceptAnyCertificate) {
            o.addArguments("--ignore-certificate-errors");
        }
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(svc, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    /** Runs {@code script} in every page of this browser before the page's own scripts (e.g. {@link LossyNat#browserHook}). */
    Browser beforeEachPage(String script) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
        return this;
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Starts a watcher in the page that polls the camera sender's own statistics every 50 ms and keeps, in
     * page time ({@code Date.now()}, the same clock as this JVM's {@code System.currentTimeMillis()} on one
     * machine), when the next send constraints arrived, when the client applied them, and when the layer
     * {@code rid} first encoded a frame {@code height} lines high. Read it with {@link #outboundWatch()}.
     */
    void watchOutbound(String rid, long height) {
        js("const rid = arguments[0], height = arguments[1];"
                + "const c = window.amsClient; const w = { constraintsAt: 0, appliedAt: 0, encodedAt: 0, sentAt: 0 };"
                + "const v0 = c.sendConstraints ? c.sendConstraints.version : 0, a0 = c.constraintsApplied || 0;"
                + "let frames0 = -1, bytes0 = -1;"
                + "window.__outboundWatch = w;"
                + "const poll = async () => {"
                + "  if (!w.constraintsAt && c.sendConstraints && c.sendConstraints.version > v0) w.constraintsAt = Date.now();"
                + "  if (!w.appliedAt && (c.constraintsApplied || 0) > a0) w.appliedAt = Date.now();"
                + "  const t = c.pc && c.pc.getTransceivers().find((x) => x.mid === '1');"
                + "  if (t && t.sender) { const r = await t.sender.getStats().catch(() => null);"
                + "    if (r) r.forEach((s) => { if (s.type !== 'outbound-rtp' || s.rid !== rid) return;"
                + "      if (frames0 < 0) { frames0 = s.framesEncoded || 0; bytes0 = s.bytesSent || 0; }"
                + "      if (!w.encodedAt && (s.framesEncoded || 0) > frames0 && s.frameHeight === height) w.encodedAt = Date.now();"
                + "      if (!w.sentAt && (s.bytesSent || 0) > bytes0 && s.frameHeight === height) w.sentAt = Date.now(); }); }"
                + "  if (!w.sentAt) setTimeout(poll, 50);"
                + "};"
                + "poll();", rid, height);
    }

    /** What {@link #watchOutbound} saw: page times in ms (0: not yet) of constraintsAt, appliedAt, encodedAt, sentAt. */
    Map<String, Long> outboundWatch() {
        return times("__outboundWatch");
    }

    /** The page's {@code window[name]}, an object of numbers, as longs; empty when it is not there. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> times(String name) {
        Map<String, Object> w = (Map<String, Object>) js("return window[arguments[0]] || null;", name);
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (w != null) {
            w.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        }
        return out;
    }

    /**
     * A page watcher (run it with {@link #js} in an open page, or before the page with {@link #beforeEachPage}):
     * every 50 ms it keeps, in {@code Date.now()} time, when the client's state first read "joined" and
     * "connected" and when its main and mix videos first decoded a frame more than when the watcher began.
     * Read it with {@link #firstFrames()}.
     */
    static final String FIRST_FRAMES_WATCH = "(() => { const w = { joinedAt: 0, connectedAt: 0, mainAt: 0, mixAt: 0 };"
            + "window.__firstFrames = w; let base = null;"
            + "const poll = async () => { const c = window.amsClient;"
            + " if (c) { if (!w.joinedAt && (c.state === 'joined' || c.state === 'connected')) w.joinedAt = Date.now();"
            + "  if (!w.connectedAt && c.state === 'connected') w.connectedAt = Date.now();"
            + "  const s = await c.stats().catch(() => null);"
            + "  if (s) { const main = s.main ? s.main.framesDecoded : 0, mix = s.mix ? s.mix.framesDecoded : 0;"
            + "   if (!base) base = { main, mix };"
            + "   if (!w.mainAt && main > base.main) w.mainAt = Date.now();"
            + "   if (!w.mixAt && mix > base.mix) w.mixAt = Date.now(); } }"
            + " if (!w.mainAt || !w.mixAt) setTimeout(poll, 50); };"
            + "poll(); })();";

    /** What {@link #FIRST_FRAMES_WATCH} saw: joinedAt, connectedAt, mainAt, mixAt ({@code Date.now()} ms, 0: not yet). */
    Map<String, Long> firstFrames() {
        return times("__firstFrames");
    }

    /** window.amsClient.stats() */
    @SuppressWarnings("unchecked")
    Map<String, Object> stats() {
        Object o = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "if (!window.amsClient) { done(null); return; }"
                        + "window.amsClient.stats().then(done, e => done({error: String(e)}));");
        return (Map<String, Object>) o;
    }

    /** Frames the browser decoded of its 'main' or 'mix' video (inbound-rtp), 0 before any. */
    long framesDecoded(String which) {
        return inbound(which, "framesDecoded");
    }

    /** The frame height of its 'main' or 'mix' video now (inbound-rtp), 0 before any. */
    long frameHeight(String which) {
        return inbound(which, "frameHeight");
    }

    @SuppressWarnings("unchecked")
    private long inbound(String which, String field) {
        Map<String, Object> s = stats();
        Map<String, Object> m = s == null ? null : (Map<String, Object>) s.get(which);
        return m == null ? 0 : ((Number) m.get(field)).longValue();
    }

    @SuppressWarnings("unchecked")
    List<Long> sample(String which, double fx, double fy) {
        return (List<Long>) js("return window.amsClient.sample(arguments[0], arguments[1], arguments[2]);", which, fx, fy);
    }

    String state() {
        return (String) js("return window.amsClient ? window.amsClient.state : null;");
    }

    Object field(String name) {
        return js("return window.amsClient ? window.amsClient[arguments[0]] : null;", name);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
