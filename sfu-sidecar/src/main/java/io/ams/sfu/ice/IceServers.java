package io.ams.sfu.ice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ICE servers every client is given, in {@code joined} and {@code p2p-start}: one entry with the STUN
 * URIs, one with the TURN URIs and fresh credentials for that participant (the shape of WebRTC's
 * {@code RTCIceServer}). TURN URIs need a secret; without any URI the list is empty (host candidates only).
 */
public final class IceServers {
    /** Default credential lifetime: a working day. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(6);

    private final List<TurnUri> stun;
    private final List<TurnUri> turn;
    private final TurnSecret secret;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException if there are TURN URIs but no secret, or the lifetime is out of range
     */
    public IceServers(List<TurnUri> uris, TurnSecret secret, Duration ttl, Clock clock) {
        TurnCredentials.checkTtl(ttl);
        this.stun = uris.stream().filter(u -> !u.isTurn()).toList();
        this.turn = uris.stream().filter(TurnUri::isTurn).toList();
        if (!turn.isEmpty() && secret == null) {
            throw new IllegalArgumentException("TURN URIs need the shared secret (--turn-secret-file) to mint credentials");
        }
        this.secret = secret;
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public IceServers(List<TurnUri> uris, TurnSecret secret, Duration ttl) {
        this(uris, secret, ttl, Clock.systemUTC());
    }

    /** No ICE servers: clients use host candidates only. */
    public static IceServers none() {
        return new IceServers(List.of(), null, DEFAULT_TTL);
    }

    /** The STUN and TURN URIs, as configured. */
    public List<TurnUri> uris() {
        List<TurnUri> all = new ArrayList<>(stun);
        all.addAll(turn);
        return all;
    }

    public boolean hasTurn() {
        return !turn.isEmpty();
    }

    /** How long minted credentials stay valid. */
    public Duration ttl() {
        return ttl;
    }

    /** Fresh TURN credentials for a participant, or null without TURN URIs. */
    public TurnCredentials credentialsFor(String participantId) {
        return turn.isEmpty() ? null : TurnCredentials.mint(secret, participantId, ttl, clock.instant());
    }

    /**
     * The {@code iceServers} list for one participant: {@code [{urls:[stun...]}, {urls:[turn...], username,
     * credential}]}, either entry left out when it has no URI.
     */
    public List<Map<String, Object>> forParticipant(String participantId) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!stun.isEmpty()) {
            out.add(Map.of("urls", stun.stream().map(TurnUri::toString).toList()));
        }
        TurnCredentials creds = credentialsFor(participantId);
        if (creds != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("urls", turn.stream().map(TurnUri::toString).toList());
            entry.put("username", creds.username());
            entry.put("credential", creds.password());
            out.add(entry);
        }
        return out;
    }

    @Override
    public String toString() {
        return "IceServers" + uris() + (secret == null ? "" : ", credentials for " + ttl);
    }
}
