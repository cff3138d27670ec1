package io.ams.sfu.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the shared media port listens and what it tells peers.
 *
 * @param bindAddress IP literal to bind ("0.0.0.0" or "::" = every allowed interface address, same port)
 * @param port UDP port, 0 = ephemeral (see {@link MediaPort#port()} for the one chosen)
 * @param advertisedAddresses public/NAT addresses to advertise in addition to the bound ones (IP literals),
 *     each as a server-reflexive candidate on the same port
 * @param consentTimeout how long a peer may stay silent (no media, no ICE consent response) before its
 *     transport goes FAILED; also the limit for ICE+DTLS to reach READY after {@code start()}
 * @param tcpPort TCP port of passive ICE-TCP candidates (RFC 6544) on the same address(es); -1 = none,
 *     0 = a free port (see {@link MediaPort#tcpPort()})
 * @param tcpShared the ICE-TCP listener takes connections relayed from another listener (the HTTPS port,
 *     {@code --ice-tcp-port https}): it listens on loopback only, on a free port, and the candidates announce the
 *     port and addresses given to {@link MediaPort#announceTcp}; {@code tcpPort} is then ignored
 */
public record TransportConfig(String bindAddress, int port, List<String> advertisedAddresses,
                              Duration consentTimeout, int tcpPort, boolean tcpShared) {
    /** Default consent/establishment timeout (RFC 7675 uses 30 s). */
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);

    public TransportConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (!IceCandidates.isIpLiteral(bindAddress)) {
            throw new IllegalArgumentException("bindAddress must be an IP literal: " + bindAddress);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        advertisedAddresses = List.copyOf(advertisedAddresses == null ? List.of() : advertisedAddresses);
        for (String a : advertisedAddresses) {
            if (!IceCandidates.isIpLiteral(a)) {
                throw new IllegalArgumentException("advertised address must be an IP literal: " + a);
            }
        }
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (consentTimeout.isNegative() || consentTimeout.isZero()) {
            throw new IllegalArgumentException("consentTimeout must be positive: " + consentTimeout);
        }
        if (tcpPort < -1 || tcpPort > 65535) {
            throw new IllegalArgumentException("tcpPort out of range: " + tcpPort);
        }
    }

    /** ICE-TCP on a port of its own ({@code tcpPort} &gt;= 0) or none. */
    public TransportConfig(String bindAddress, int port, List<String> advertisedAddresses, Duration consentTimeout,
                           int tcpPort) {
        this(bindAddress, port, advertisedAddresses, consentTimeout, tcpPort, false);
    }

    /** ICE-TCP relayed to us from the HTTPS port ({@link MediaPort#announceTcp}). */
    public static TransportConfig sharingTcp(String bindAddress, int port, List<String> advertisedAddresses,
                                             Duration consentTimeout) {
        return new TransportConfig(bindAddress, port, advertisedAddresses, consentTimeout, 0, true);
    }

    /** Without ICE-TCP. */
    public TransportConfig(String bindAddress, int port, List<String> advertisedAddresses, Duration consentTimeout) {
        this(bindAddress, port, advertisedAddresses, consentTimeout, -1);
    }

    /** With the default 30 s consent timeout. */
    public TransportConfig(String bindAddress, int port, List<String> advertisedAddresses) {
        this(bindAddress, port, advertisedAddresses, DEFAULT_CONSENT_TIMEOUT);
    }
}
