package io.ams.sfu.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.sfu.ice.IceServers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a room of two talks peer to peer, and the switches (docs/SIGNALING.md "Peer to peer").
 * The server decides; the clients follow:
 * <pre>
 *   SERVER --(eligible for returnMillis)--> CONNECTING --(both report "connected")--> P2P
 *     ^                                         |                                      |
 *     +------ not eligible, a failure, a leave, connectMillis passed ------------------+
 * </pre>
 * Eligible: P2P on, exactly two participants, both clients allow it and have their server connection
 * up with media flowing on it (READY and {@value #MEDIA_FLOWED_PACKETS} RTP packets in: the way back
 * needs no ICE, and no encoder starting up), no recording, and the two have not failed to connect in the
 * last retryMillis. Going to P2P, each client builds a second
 * RTCPeerConnection (p2p-start; the one with the smaller id offers), the server relays their offer,
 * answer and candidates, and once both say "connected" it tells both to pause their server media
 * (media-mode p2p). Going back, it tells both to resume the server media first (media-mode server,
 * their server connection was kept warm) and then to close the P2P connection (p2p-stop). Whenever in
 * doubt (a message for the wrong peer, a failure report, a client that does not answer) it goes back
 * to the server. Called under the room's lock.
 */
final class P2pControl {
    private static final Logger LOG = LoggerFactory.getLogger(P2pControl.class);

    enum Mode { SERVER, CONNECTING, P2P }

    /**
     * While P2P, how long one side may report nothing new received over the direct path (p2p-stats link) before
     * the call goes back to the server: a client that says "connected" but gets no media (a path that passes
     * ICE checks and nothing else, a peer that sends nothing) must not leave the two without each other.
     */
    static final long MEDIA_STALL_MILLIS = 5000;

    /** RTP packets from a participant before its server connection counts as warm (about a second of media). */
    static final long MEDIA_FLOWED_PACKETS = 100;

    /** What the control needs of its room. */
    interface Room {
        String id();

        boolean recorded();

        /**
         * The call runs peer to peer ({@code true}) or is back on the server: while it is, the engine needs none of
         * the room (no media reaches us to decode, and the mix would go to nobody).
         */
        default void engineParked(boolean parked) {
        }

        /** One microphone level a client on a P2P call reported ({@code p2p-stats}), for the speaker selector. */
        default void audioLevel(Peer p, int level, boolean voice, long nowMillis) {
        }
    }

    private final P2pSettings settings;
    private final IceServers iceServers;
    private final Room room;
    private Mode mode = Mode.SERVER;
    private Peer offerer;
    private Peer answerer;
    private boolean offererUp;
    private boolean answererUp;
    private long eligibleSince = -1;
    private long connectingSince;
    private long offererCount;      // while P2P: packets each side last said it received directly, and when that grew
    private long answererCount;
    private long offererGrewAt;
    private long answererGrewAt;
    private String failedPair;
    private long failedUntil;
    private String lastReason = "";
    private String lastPair = "";   // ids of the two in the call that ended last: their late messages are no error
    final AtomicLong sessions = new AtomicLong();      // P2P connections begun
    final AtomicLong connected = new AtomicLong();     // ... that came up
    final AtomicLong fallbacks = new AtomicLong();     // returns to the server
    final AtomicLong failures = new AtomicLong();      // ... of which P2P did not work
    final AtomicLong messagesRelayed = new AtomicLong();
    final AtomicLong messagesRefused = new AtomicLong();
    final AtomicLong messagesLate = new AtomicLong();  // from the two of a call that just ended: dropped quietly

    P2pControl(P2pSettings settings, Room room) {
        this(settings, IceServers.none(), room);
    }

    P2pControl(P2pSettings settings, IceServers iceServers, Room room) {
        this.settings = settings;
        this.iceServers = iceServers;
        this.room = room;
    }

    Mode mode() {
        return mode;
    }

    /** The room's P2P state in words: mode, why it is on the server, and the counters. */
    String summary() {
        return mode + (lastReason.isEmpty() ? "" : " (" + lastReason + ")") + ", sessions " + sessions.get() + ", connected "
                + connected.get() + ", fallbacks " + fallbacks.get() + " (failed " + failures.get() + "), messages relayed "
                + messagesRelayed.get() + ", refused " + messagesRefused.get() + ", late " + messagesLate.get();
    }

    /** Why the room is on the server now ("" while P2P or before any decision). */
    String reason() {
        return lastReason;
    }

    /** The room's timer (about every 100 ms). */
    void tick(Collection<Peer> peers, long nowMillis) {
        String notEligible = notEligible(peers, nowMillis);
        switch (mode) {
            case SERVER -> {
                if (notEligible != null) {
                    eligibleSince = -1;
                    lastReason = notEligible;
                } else if (eligibleSince < 0) {
                    eligibleSince = nowMillis;
                } else if (nowMillis - eligibleSince >= settings.returnMillis()) {
                    begin(new ArrayList<>(peers), nowMillis);
                }
            }
            case CONNECTING -> {
                if (notEligible != null) {
                    toServer(notEligible, false, nowMillis);
                } else if (nowMillis - connectingSince > settings.connectMillis()) {
                    toServer("the P2P connection was not up within " + settings.connectMillis() + " ms", true, nowMillis);
                }
            }
            case P2P -> {
                if (notEligible != null) {
                    toServer(notEligible, false, nowMillis);
                } else {
                    checkMediaFlows(nowMillis);
                }
            }
        }
    }

    /** Back to the server (as a failure) when one side has received nothing new directly for MEDIA_STALL_MILLIS. */
    private void checkMediaFlows(long nowMillis) {
        long o = offerer.p2pLink.packetsReceived();
        long a = answerer.p2pLink.packetsReceived();
        if (o > offererCount) {
            offererCount = o;
            offererGrewAt = nowMillis;
        }
        if (a > answererCount) {
            answererCount = a;
            answererGrewAt = nowMillis;
        }
        Peer starved = nowMillis - offererGrewAt > MEDIA_STALL_MILLIS ? offerer
                : nowMillis - answererGrewAt > MEDIA_STALL_MILLIS ? answerer : null;
        if (starved != null) {
            toServer(starved.id + " received nothing over the direct path for " + MEDIA_STALL_MILLIS + " ms", true, nowMillis);
        }
    }

    private String notEligible(Collection<Peer> peers, long nowMillis) {
        if (!settings.enabled()) {
            return "P2P is off on this server";
        }
        if (peers.size() != 2) {
            return peers.size() + " participants";
        }
        for (Peer p : peers) {
            if (!p.p2pAllowed) {
                return p.id + "'s client does not allow P2P";
            }
            if (p.transport != null && p.transport.state() != io.ams.sfu.transport.PeerTransport.State.READY) {
                return p.id + "'s server connection is not up (it must stay warm for the way back)";
            }
            if (p.transport != null && p.rtpIn.get() < MEDIA_FLOWED_PACKETS) {
                return p.id + "'s media has not reached the server yet";
            }
        }
        if (room.recorded()) {
            return "the room is recorded";
        }
        if (pairKey(peers).equals(failedPair) && nowMillis < failedUntil) {
            return "P2P failed for these two lately";
        }
        return null;
    }

    private static String pairKey(Collection<Peer> peers) {
        return peers.stream().map(p -> p.id).sorted().reduce((a, b) -> a + "+" + b).orElse("");
    }

    private void begin(List<Peer> two, long nowMillis) {
        two.sort((x, y) -> x.id.compareTo(y.id));
        offerer = two.get(0);
        answerer = two.get(1);
        offererUp = false;
        answererUp = false;
        mode = Mode.CONNECTING;
        connectingSince = nowMillis;
        sessions.incrementAndGet();
        lastReason = "";
        LOG.info("room '{}': {} and {} go peer to peer", room.id(), offerer, answerer);
        offerer.channel.p2p("p2p-start", start(offerer, answerer, true));
        answerer.channel.p2p("p2p-start", start(answerer, offerer, false));
    }

    /** The p2p-start for {@code to}, with ICE servers and TURN credentials of its own. */
    private Map<String, Object> start(Peer to, Peer other, boolean initiator) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer", other.id);
        m.put("initiator", initiator);
        m.put("iceServers", iceServers.forParticipant(to.id));
        m.put("connectMs", settings.connectMillis());
        return m;
    }

    /** Back to the server: media resumes there first, then the P2P connection closes. */
    private void toServer(String reason, boolean failed, long nowMillis) {
        Mode was = mode;
        mode = Mode.SERVER;
        eligibleSince = -1;
        if (was == Mode.P2P) {
            room.engineParked(false); // first: the mix comes back while the clients resume their server media
        }
        lastReason = reason;
        fallbacks.incrementAndGet();
        if (failed) {
            failures.incrementAndGet();
            failedPair = pairKey(List.of(offerer, answerer));
            failedUntil = nowMillis + settings.retryMillis();
        }
        LOG.info("room '{}': back to the server from {} ({}): {}", room.id(), was, failed ? "P2P failed" : "as planned",
                reason);
        for (Peer p : List.of(offerer, answerer)) {
            p.p2pWith = null;
            p.channel.p2p("media-mode", Map.of("mode", "server", "reason", reason));
            p.channel.p2p("p2p-stop", Map.of("reason", reason));
        }
        lastPair = pairKey(List.of(offerer, answerer));
        offerer = null;
        answerer = null;
    }

    /** A participant left: a call it was part of goes back to the server (for the one who stays). */
    void onLeave(Peer p, long nowMillis) {
        if (mode != Mode.SERVER && (p == offerer || p == answerer)) {
            toServer(p.id + " left", false, nowMillis);
        }
    }

    /**
     * Whether {@code from} was one of the two of the call that ended last and is not in a call now: what it sent
     * before it heard of the switch (its 500 ms p2p-stats, a failure report crossing ours) is counted as late and
     * dropped, no error for the client.
     */
    boolean late(Peer from) {
        if (from == offerer || from == answerer || !("+" + lastPair + "+").contains("+" + from.id + "+")) {
            return false;
        }
        messagesLate.incrementAndGet();
        return true;
    }

    /**
     * A P2P message from a client: {@code p2p-offer}, {@code p2p-answer} and {@code p2p-candidate} are
     * relayed to the other of the two; {@code p2p-state} reports the client's P2P connection
     * ("connected" or "failed"); {@code p2p-stats} is its own report ({@link #onStats}). Refused (the
     * exception says why) when the sender is not in a P2P call.
     */
    void onMessage(Peer from, String type, JsonNode m, long nowMillis) throws RoomException {
        if (type.equals("p2p-stats")) {
            onStats(from, m, nowMillis);
            return;
        }
        Peer other = from == offerer ? answerer : from == answerer ? offerer : null;
        if (late(from)) {
            return;
        }
        if (mode == Mode.SERVER || other == null) {
            messagesRefused.incrementAndGet();
            throw new RoomException("bad_message", "'" + type + "': no peer-to-peer call of yours is under way");
        }
        switch (type) {
            case "p2p-offer", "p2p-answer" -> {
                if ((type.equals("p2p-offer")) != (from == offerer)) {
                    messagesRefused.incrementAndGet();
                    throw new RoomException("bad_message", "'" + type + "' from the "
                            + (from == offerer ? "offering" : "answering") + " side");
                }
                String sdp = m.path("sdp").asText("");
                if (sdp.isEmpty() || sdp.length() > 256 * 1024) {
                    messagesRefused.incrementAndGet();
                    throw new RoomException("bad_message", "'" + type + "' needs an 'sdp' of 1..262144 characters");
                }
                relay(other, type, Map.of("from", from.id, "sdp", sdp));
            }
            case "p2p-candidate" -> {
                JsonNode c = m.get("candidate");
                if (c != null && !c.isNull() && (!c.isTextual() || c.asText().length() > 1024)) {
                    messagesRefused.incrementAndGet();
                    throw new RoomException("bad_message", "'p2p-candidate' needs a 'candidate' string of at most 1024 characters or null");
                }
                Map<String, Object> fwd = new LinkedHashMap<>();
                fwd.put("from", from.id);
                fwd.put("candidate", c == null || c.isNull() ? null : c.asText());
                fwd.put("sdpMid", m.path("sdpMid").isTextual() ? m.get("sdpMid").asText() : null);
                fwd.put("sdpMLineIndex", m.path("sdpMLineIndex").canConvertToInt() ? m.get("sdpMLineIndex").asInt() : null);
                relay(other, type, fwd);
            }
            case "p2p-state" -> {
                String state = m.path("state").asText("");
                switch (state) {
                    case "connected" -> {
                        if (from == offerer) {
                            offererUp = true;
                        } else {
                            answererUp = true;
                        }
                        if (mode == Mode.CONNECTING && offererUp && answererUp) {
                            mode = Mode.P2P;
                            connected.incrementAndGet();
                            offerer.p2pWith = answerer;
                            answerer.p2pWith = offerer;
                            offererCount = offerer.p2pLink.packetsReceived();
                            answererCount = answerer.p2pLink.packetsReceived();
                            offererGrewAt = nowMillis;
                            answererGrewAt = nowMillis;
                            room.engineParked(true);
                            LOG.info("room '{}': {} and {} talk peer to peer", room.id(), offerer, answerer);
                            offerer.channel.p2p("media-mode", Map.of("mode", "p2p"));
                            answerer.channel.p2p("media-mode", Map.of("mode", "p2p"));
                        }
                    }
                    case "failed" -> toServer(from.id + "'s P2P connection failed: "
                            + m.path("reason").asText("no reason given"), true, nowMillis);
                    default -> {
                        messagesRefused.incrementAndGet();
                        throw new RoomException("bad_message", "'p2p-state' needs 'state' connected or failed");
                    }
                }
            }
            default -> throw new IllegalArgumentException(type);
        }
    }

    /**
     * What a client on a P2P call reports of itself about every 500 ms, since no media reaches the server:
     * its microphone's level (RFC 6464 -dBov, 127 silence) feeds speaker detection like the level
     * extension does ({@link Room#audioLevel}); what it receives directly (link) the connection
     * quality of both.
     */
    private void onStats(Peer p, JsonNode m, long nowMillis) throws RoomException {
        if (!modeOf(p).equals("p2p")) {
            if (late(p)) {
                return; // its call just went back to the server; the client had not heard yet
            }
            throw new RoomException("bad_message", "'p2p-stats' outside a peer-to-peer call");
        }
        JsonNode link = m.get("link");
        if (link != null && link.isObject() && !p.p2pLink.onReport(link.path("packetsReceived").asLong(-1),
                link.path("packetsLost").asLong(-1), link.path("bytesReceived").asLong(-1), link.path("jitterMs").asDouble(-1),
                link.hasNonNull("rttMs") ? link.path("rttMs").asDouble(-1) : Double.NaN, System.nanoTime())) {
            throw new RoomException("bad_message", "'p2p-stats' link: counters must be numbers of at least 0");
        }
        JsonNode level = m.get("audioLevel");
        if (level != null && level.canConvertToInt() && level.asInt() >= 0 && level.asInt() <= 127) {
            boolean voice = level.asInt() <= AudioReceiver.SPEAKING_LEVEL && !p.audioMuted;
            if (voice) {
                p.lastVoiceMillis = nowMillis;
            }
            room.audioLevel(p, level.asInt(), voice, nowMillis);
        }
    }

    private void relay(Peer to, String type, Map<String, Object> fields) {
        messagesRelayed.incrementAndGet();
        to.channel.p2p(type, fields);
    }

    /** The media mode of {@code p}: "p2p" while its call runs peer to peer, else "server". */
    String modeOf(Peer p) {
        return mode == Mode.P2P && (p == offerer || p == answerer) ? "p2p" : "server";
    }
}
