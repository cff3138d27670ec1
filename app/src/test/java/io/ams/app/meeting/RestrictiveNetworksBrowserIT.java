package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The paths for networks that block UDP, each proved by the candidate pair headless Chromium itself selected
 * (getStats via window.amsClient): through a real coturn on loopback ({@link Coturn}) over TURN/UDP, TURN/TCP
 * and TURN/TLS, the page's {@code ?relay=udp|tcp|tls} keeping only that TURN server and iceTransportPolicy
 * 'relay'; and ICE-TCP straight to the sidecar's {@code --ice-tcp-port}, the page's UDP candidates (both
 * sides) withheld by a script, as a network that drops UDP would. In every case the newcomer decodes main and
 * mix and sees the other participant (red, who speaks) as main. UDP is not really blocked here (no network
 * namespace); the relay policy and the withheld candidates leave ICE no other path. Bad input: a TURN credential
 * the server refuses reaches the page as an icecandidateerror 401 ({@code iceErrors}), and without the relay
 * policy the page still connects over its other candidates.
 */
class RestrictiveNetworksBrowserIT {
    static final String ROOM = "restrictive-it";
    static final int[] RED = {230, 30, 30};

    /** Drops every UDP candidate: from the server's offer, trickled to us, and of our own before we send it. */
    static final String NO_UDP = """
            (() => {
              const Orig = window.RTCPeerConnection;
              const udp = (c) => / udp /i.test(' ' + String(c || '').replace(/^a=/, '').split(' ').slice(1, 3).join(' ') + ' ');
              window.RTCPeerConnection = class extends Orig {
                setRemoteDescription(d) {
                  if (d && d.sdp) d = { type: d.type, sdp: d.sdp.split('\\r\\n').filter((l) => !(l.startsWith('a=candidate:') && udp(l))).join('\\r\\n') };
                  return super.setRemoteDescription(d);
                }
                addIceCandidate(c) {
                  if (c && udp(c.candidate)) return Promise.resolve();
                  return super.addIceCandidate(c);
                }
                set onicecandidate(f) {
                  super.onicecandidate = (e) => { if (e.candidate && udp(e.candidate.candidate)) return; if (f) f(e); };
                }
                get onicecandidate() { return super.onicecandidate; }
              };
            })();
            """;

    /** Spoils the TURN credential the page got in joined, as an expired or foreign one would be. */
    static final String WRONG_CREDENTIAL = """
            (() => {
              const Orig = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends Orig {
                constructor(cfg) {
                  const c = { ...(cfg || {}) };
                  c.iceServers = (c.iceServers || []).map((s) => (s.credential ? { ...s, credential: 'd3Jvbmc=' } : s));
                  super(c);
                }
              };
            })();
            """;

    /** Points every TURN URL the page is given at a port of 127.0.0.1 where nothing answers (a TURN server that is down). */
    static String deadTurn(int port) {
        return """
                (() => {
                  const Orig = window.RTCPeerConnection;
                  window.RTCPeerConnection = class extends Orig {
                    constructor(cfg) {
                      const c = { ...(cfg || {}) };
                      c.iceServers = (c.iceServers || []).map((s) => ({ ...s, urls: [].concat(s.urls).map((u) =>
                        u.replace(/^(turns?):[^:?]+:\\d+/, '$1:127.0.0.1:PORT')) }));
                      super(c);
                    }
                  };
                })();
                """.replace("PORT", Integer.toString(port));
    }

    @TempDir
    static Path dir;
    static Coturn coturn;
    static Meeting meeting;
    static Browser red;
    static Path greenVideo;
    static Path silence;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(Coturn.available(), "coturn's turnserver is not installed (.ci/run installs the coturn package)");
        coturn = new Coturn(dir);
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID), P2pSettings.off(),
                true, sc -> sc.withIce(coturn.iceServers(Duration.ofHours(1)), 0));
        Path redVideo = FakeMedia.colourWithNoise(dir, "red", "E61E1E", 640, 360, 15);
        red = new Browser("red", redVideo, FakeMedia.tone(dir, "red", 0.8), Files.createDirectories(dir.resolve("profile-red")));
        red.open(meeting.url(ROOM, "red"));
        greenVideo = FakeMedia.colourWithNoise(dir, "green", "1EC81E", 640, 360, 15);
        silence = FakeMedia.tone(dir, "green", 0);
    }

    @AfterAll
    static void stop() {
        if (red != null) {
            red.close();
        }
        if (meeting != null) {
            meeting.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    /** TURN/UDP, TURN/TCP and TURN/TLS: the page's selected local candidate is a relay of that kind. */
    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void throughTurn(String relay) throws Exception {
        Map<String, Object> local = joinAndGetLocalCandidate(relay);
        assertThat(local.get("candidateType")).as(local.toString()).isEqualTo("relay");
        assertThat(local.get("relayProtocol")).as(local.toString()).isEqualTo(relay);
    }

    @Test
    @SuppressWarnings("unchecked")
    void iceTcpToTheSidecarsTcpPort() throws Exception {
        int tcpPort = meeting.server.sidecar().iceTcpPort();
        assertThat(tcpPort).isPositive();
        Map<String, Object> pair = joinAndGetPair("ice-tcp", "", NO_UDP);
        Map<String, Object> local = (Map<String, Object>) pair.get("local");
        Map<String, Object> remote = (Map<String, Object>) pair.get("remote");
        assertThat(local.get("protocol")).as(pair.toString()).isEqualTo("tcp");
        // an active TCP candidate is announced with port 9; the server's answer names the real port: prflx
        assertThat(local.get("candidateType")).as(pair.toString()).isIn("host", "prflx");
        assertThat(remote.get("protocol")).isEqualTo("tcp");
        assertThat(((Number) remote.get("port")).intValue()).as(pair.toString()).isEqualTo(tcpPort);
    }

    /** Bad input: a refused TURN credential is reported to the page (icecandidateerror 401). */
    @Test
    @SuppressWarnings("unchecked")
    void aWrongTurnCredentialIsReportedToThePage() throws Exception {
        try (Browser green = green("wrong", WRONG_CREDENTIAL)) {
            green.open(meeting.url(ROOM, "green-wrong") + "&relay=udp");
            assertThat(Meeting.await(20, () -> ((List<Map<String, Object>>) green.stats().get("iceErrors")).stream()
                    .anyMatch(e -> ((Number) e.get("errorCode")).intValue() == 401
                            && String.valueOf(e.get("url")).startsWith("turn:127.0.0.1:" + coturn.port))))
                    .as("the TURN server's 401 is in the page's iceErrors: " + green.stats().get("iceErrors")).isTrue();
            assertThat(String.valueOf(green.js("return JSON.stringify(window.amsClient.notices)")))
                    .as("and the participant is told").contains("refused this session's credentials");
        }
    }

    /**
     * Bad input: with a refused TURN credential and no relay policy the page connects over its other
     * candidates. (Chromium stops gathering once a pair works, so here the 401 may never reach the page.)
     */
    @Test
    @SuppressWarnings("unchecked")
    void aWrongTurnCredentialLeavesTheOtherCandidates() throws Exception {
        try (Browser green = green("fallback", WRONG_CREDENTIAL)) {
            green.open(meeting.url(ROOM, "green-fallback"));
            assertThat(Meeting.await(40, () -> green.framesDecoded("main") > 20))
                    .as("green decodes main without TURN: " + green.stats()).isTrue();
            Map<String, Object> pair = (Map<String, Object>) green.stats().get("selectedPair");
            assertThat(((Map<String, Object>) pair.get("local")).get("candidateType")).as(pair.toString())
                    .isNotEqualTo("relay");
        }
    }

    /**
     * Bad input: a TURN server that is down. Relay only, the page cannot connect, and says why (icecandidateerror
     * 701 for that server, a notice in words); with every path allowed it connects over its other candidates.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aTurnServerThatIsDownIsReportedAndTheOtherPathsStillWork() throws Exception {
        int dead;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            dead = probe.getLocalPort(); // free now, and nothing listens there once closed
        }
        int port = dead;
        try (Browser green = green("turn-down", deadTurn(port))) {
            // TURN/TCP: the refused connection is an error at once (TURN/UDP would retry for about 40 s first)
            green.open(meeting.url(ROOM, "green-turn-down") + "&relay=tcp");
            assertThat(Meeting.await(40, () -> ((List<Map<String, Object>>) green.stats().get("iceErrors")).stream()
                    .anyMatch(e -> ((Number) e.get("errorCode")).intValue() == 701
                            && String.valueOf(e.get("url")).startsWith("turn:127.0.0.1:" + port + "?transport=tcp"))))
                    .as("the unreachable TURN server is in the page's iceErrors: " + green.stats().get("iceErrors")).isTrue();
            assertThat(Meeting.await(10, () -> String.valueOf(green.js("return JSON.stringify(window.amsClient.notices)"))
                    .contains("cannot be reached"))).as("and the participant is told: "
                    + green.js("return JSON.stringify(window.amsClient.notices)")).isTrue();
            assertThat(green.framesDecoded("main")).as("relay only, and no relay: no media").isZero();
        }
        try (Browser green = green("turn-down-fallback", deadTurn(port))) {
            green.open(meeting.url(ROOM, "green-turn-down-fallback"));
            assertThat(Meeting.await(40, () -> green.framesDecoded("main") > 20))
                    .as("green decodes main without TURN: " + green.stats()).isTrue();
            Map<String, Object> pair = (Map<String, Object>) green.stats().get("selectedPair");
            assertThat(((Map<String, Object>) pair.get("local")).get("candidateType")).as(pair.toString()).isNotEqualTo("relay");
        }
    }

    /** A new green participant's browser (its own profile), with {@code hook} (may be null) in every page. */
    private static Browser green(String label, String hook) throws Exception {
        Browser b = new Browser("green-" + label, greenVideo, silence,
                Files.createDirectories(dir.resolve("profile-green-" + label)), true); // TURN/TLS: self-signed
        if (hook != null) {
            b.beforeEachPage(hook);
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> joinAndGetLocalCandidate(String relay) throws Exception {
        return (Map<String, Object>) joinAndGetPair(relay, "&relay=" + relay, null).get("local");
    }

    /** A green participant joins with {@code query}, decodes main and mix and sees red; its selected pair. */
    private Map<String, Object> joinAndGetPair(String label, String query, String hook) throws Exception {
        try (Browser green = green(label, hook)) {
            return meetsRed(green, meeting.url(ROOM, "green-" + label) + query, label, coturn);
        }
    }

    /**
     * {@code green} opens {@code url}, decodes main and mix, sees red (who speaks) as main and has no refused
     * TURN credential; the candidate pair it selected. Shared with {@link UdpBlockedBrowserIT}.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> meetsRed(Browser green, String url, String label, Coturn coturn) throws Exception {
        green.open(url);
        assertThat(Meeting.await(60, () -> green.framesDecoded("main") > 20 && green.framesDecoded("mix") > 20))
                .as(label + ": green decodes main and mix: " + green.stats() + (coturn == null ? "" : "\ncoturn: " + coturn.tail())).isTrue();
        assertThat(Meeting.await(20, () -> Meeting.near(green.sample("main", 0.5, 0.5), RED, 60)))
                .as(label + ": green sees red, who speaks, as main: " + green.sample("main", 0.5, 0.5)).isTrue();
        Map<String, Object> stats = green.stats();
        Map<String, Object> pair = (Map<String, Object>) stats.get("selectedPair");
        assertThat(pair).as(label + ": a selected pair in " + stats).isNotNull();
        assertThat((List<Object>) stats.get("iceErrors")).as(label + ": no ICE errors with good credentials")
                .allSatisfy(e -> assertThat(((Number) ((Map<String, Object>) e).get("errorCode")).intValue())
                        .isNotEqualTo(401));
        return pair;
    }
}
