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
    private final boolean sidecarRelays;

    /**
     * @throws IllegalArgumentException if there are TURN URIs but no secret, or the lifetime is out of range
     */
    public IceServers(List<TurnUri> uris, TurnSecret secret, Duration ttl, Clock clock) {
        this(uris, secret, ttl, clock, false);
    }

    /**
     * @param sidecarRelays the sidecar's own ICE agents also gather relay candidates on the TURN/UDP servers
     *     ({@code --turn-relay-candidates}); needs a TURN URI
     */
    public IceServers(List<TurnUri> uris, TurnSecret secret, Duration ttl, Clock clock, boolean sidecarRelays) {
        TurnCredentials.checkTtl(ttl);
        this.stun = uris.stream().filter(u -> !u.isTurn()).toList();
        this.turn = uris.stream().filter(TurnUri::isTurn).toList();
        if (!turn.isEmpty() && secret == null) {
            throw new IllegalArgumentException("TURN URIs need the shared secret (--turn-secret-file) to mint credentials");
        }
        this.secret = secret;
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
        if (sidecarRelays && turn.stream().noneMatch(u -> u.relay() == TurnUri.Relay.UDP)) {
            throw new IllegalArgumentException("relay candidates for the sidecar need a TURN/UDP URI (turn:HOST[:PORT])");
        }
        this.sidecarRelays = sidecarRelays;
    }

    /** The same servers, the sidecar's own agents gathering relay candidates on them too (or not). */
    public IceServers withSidecarRelays(boolean on) {
        return new IceServers(uris(), secret, ttl, clock, on);
    }

    /** Whether the sidecar's own agents gather relay candidates ({@code --turn-relay-candidates}). */
    public boolean sidecarRelays() {
        return sidecarRelays;
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

    /**
     * Credentials for the sidecar's own relay allocations: they never leave the sidecar, and an allocation is
     * refreshed with them for as long as its peer's session lasts, so they are valid for the longest lifetime
     * allowed ({@link TurnCredentials#MAX_TTL}) rather than {@link #ttl()}. Null without TURN URIs.
     */
    public TurnCredentials sidecarCredentialsFor(String user) {
        return turn.isEmpty() ? null : TurnCredentials.mint(secret, user, TurnCredentials.MAX_TTL, clock.instant());
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
        return "IceServers" + uris() + (secret == null ? "" : ", credentials for " + ttl)
                + (sidecarRelays ? ", relay candidates for the sidecar too" : "");
    }
}
