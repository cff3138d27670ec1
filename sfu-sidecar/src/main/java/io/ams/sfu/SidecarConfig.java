package io.ams.sfu;

import io.ams.sfu.ice.IceServers;
import io.ams.sfu.room.P2pSettings;

import io.ams.proto.auth.ControlToken;
import io.ams.sfu.engine.MixSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything an operator can set on the sidecar.
 *
 * @param httpHost            where the web client and signaling listen (0.0.0.0 for everyone)
 * @param httpPort            0 = any free port
 * @param mediaBind           the address of the single UDP media port (null/any = every interface)
 * @param mediaPort           the single UDP media port for every peer (0 = any free port)
 * @param advertisedAddresses public addresses to announce as ICE candidates (NAT, cloud instances)
 * @param engineTarget        gRPC target of the engine ("localhost:50051")
 * @param mixBindAddress      where rooms receive the engine's mix; the engine must reach it
 * @param tokenKeyFile        HMAC key for join tokens (created if missing)
 * @param tlsCert             PEM certificate for HTTPS/WSS (null = plain HTTP; browsers allow the camera on localhost only)
 * @param tlsKey              PEM private key for tlsCert
 * @param grpcPort            the sidecar's control API (ams.v1.Sfu); -1 = none, 0 = any free port
 * @param tokenTtl            lifetime of tokens the sidecar prints
 * @param grpcHost            address the control API listens on; loopback by default. Beyond loopback it needs
 *                            {@code controlToken} (or {@code insecureControl}), see docs/SECURITY.md
 * @param controlToken        when not null: required on every call of the control API, and sent on every call to
 *                            the engine ({@code --control-token-file}, AMS_CONTROL_TOKEN)
 * @param insecureControl     {@code --insecure-control}: the control API beyond loopback without a token, on purpose
 * @param p2p                 peer-to-peer calls for rooms of two ({@code --p2p})
 * @param simulcast           whether browsers are asked for simulcast layers of their camera ({@code --no-simulcast}: one
 *                            stream each, which the engine decodes at full size and dynamic resolution cannot switch)
 * @param iceServers          STUN/TURN servers handed to every client at join and for P2P calls ({@code --turn-uri},
 *                            {@code --turn-secret-file}, {@code --turn-ttl})
 * @param iceTcpPort          the TCP port for passive ICE-TCP candidates ({@code --ice-tcp-port}); -1 = off, 0 = any free port,
 *                            {@link #ICE_TCP_ON_HTTP_PORT} = the HTTP(S) port itself ({@code --ice-tcp-port https})
 */
public record SidecarConfig(String httpHost, int httpPort, InetAddress mediaBind, int mediaPort,
                            List<String> advertisedAddresses, String engineTarget, InetAddress mixBindAddress,
                            Path tokenKeyFile, Path tlsCert, Path tlsKey, int grpcPort, MixSettings mix,
                            int maxParticipants, int maxRooms, Duration tokenTtl, String grpcHost,
                            ControlToken controlToken, boolean insecureControl, P2pSettings p2p,
                            boolean simulcast, IceServers iceServers, int iceTcpPort) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_MEDIA_PORT = 10000;
    public static final int DEFAULT_GRPC_PORT = 50052;

    public static final String DEFAULT_GRPC_HOST = "127.0.0.1";
    /** {@code iceTcpPort}: ICE-TCP on the HTTP(S) port, told apart from TLS/HTTP by its first bytes. */
    public static final int ICE_TCP_ON_HTTP_PORT = -2;

    /** Without {@code grpcHost}: the control API on loopback. */
    public SidecarConfig(String httpHost, int httpPort, InetAddress mediaBind, int mediaPort, List<String> advertisedAddresses,
                         String engineTarget, InetAddress mixBindAddress, Path tokenKeyFile, Path tlsCert, Path tlsKey,
                         int grpcPort, MixSettings mix, int maxParticipants, int maxRooms, Duration tokenTtl) {
        this(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress, tokenKeyFile, tlsCert,
                tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, DEFAULT_GRPC_HOST, null, false);
    }

    /** Peer-to-peer calls as by default. */
    public SidecarConfig(String httpHost, int httpPort, InetAddress mediaBind, int mediaPort,
                         List<String> advertisedAddresses, String engineTarget, InetAddress mixBindAddress,
                         Path tokenKeyFile, Path tlsCert, Path tlsKey, int grpcPort, MixSettings mix,
                         int maxParticipants, int maxRooms, Duration tokenTtl, String grpcHost,
                         ControlToken controlToken, boolean insecureControl) {
        this(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress, tokenKeyFile,
                tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl,
                P2pSettings.defaults());
    }

    /** Simulcast as by default. */
    public SidecarConfig(String httpHost, int httpPort, InetAddress mediaBind, int mediaPort,
                         List<String> advertisedAddresses, String engineTarget, InetAddress mixBindAddress,
                         Path tokenKeyFile, Path tlsCert, Path tlsKey, int grpcPort, MixSettings mix,
                         int maxParticipants, int maxRooms, Duration tokenTtl, String grpcHost,
                         ControlToken controlToken, boolean insecureControl, P2pSettings p2p) {
        this(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress, tokenKeyFile,
                tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl,
                p2p, true, IceServers.none(), -1);
    }

    public SidecarConfig {
        p2p = p2p == null ? P2pSettings.defaults() : p2p;
        iceServers = iceServers == null ? IceServers.none() : iceServers;
        if (iceTcpPort < ICE_TCP_ON_HTTP_PORT || iceTcpPort > 65535) {
            throw new IllegalArgumentException("ICE-TCP port " + iceTcpPort
                    + " is out of range: -2 (the HTTP(S) port), -1 (off), 0 (any) or 1..65535");
        }
        grpcHost = grpcHost == null || grpcHost.isBlank() ? DEFAULT_GRPC_HOST : grpcHost;
        advertisedAddresses = List.copyOf(advertisedAddresses);
        if (maxParticipants < 2 || maxParticipants > 500) {
            throw new IllegalArgumentException("maxParticipants " + maxParticipants + " is out of range 2..500");
        }
    }

    public SidecarConfig withP2p(P2pSettings settings) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken,
                insecureControl, settings, simulcast, iceServers, iceTcpPort);
    }

    public static SidecarConfig defaults(Path dataDir) {
        return new SidecarConfig("0.0.0.0", DEFAULT_HTTP_PORT, null, DEFAULT_MEDIA_PORT, List.of(), "localhost:50051",
                InetAddress.getLoopbackAddress(), dataDir.resolve("token.key"), null, null, DEFAULT_GRPC_PORT,
                MixSettings.defaults(), 50, 100, Duration.ofHours(12));
    }

    public SidecarConfig withPorts(int http, int media, int grpc) {
        return new SidecarConfig(httpHost, http, mediaBind, media, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpc, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    public SidecarConfig withEngine(String target) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, target, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    public SidecarConfig withMix(MixSettings m) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, m, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    public SidecarConfig withHttpHost(String host) {
        return new SidecarConfig(host, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    public SidecarConfig withTls(Path cert, Path key) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, cert, key, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    public SidecarConfig withMedia(InetAddress bind, List<String> advertised) {
        return new SidecarConfig(httpHost, httpPort, bind, mediaPort, advertised, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    /** The control token (null: none) and --insecure-control. */
    public SidecarConfig withControl(ControlToken token, boolean insecure) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, token, insecure, p2p, simulcast, iceServers, iceTcpPort);
    }

    /** The control API's listening address. */
    public SidecarConfig withGrpcHost(String host) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, host, controlToken, insecureControl, p2p, simulcast, iceServers, iceTcpPort);
    }

    /** Simulcast layers asked of browsers ({@code true}, the default) or one camera stream each. */
    public SidecarConfig withSimulcast(boolean on) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken,
                insecureControl, p2p, on, iceServers, iceTcpPort);
    }

    /** The ICE servers handed to clients, and the ICE-TCP port (-1: off). */
    public SidecarConfig withIce(IceServers servers, int tcpPort) {
        return new SidecarConfig(httpHost, httpPort, mediaBind, mediaPort, advertisedAddresses, engineTarget, mixBindAddress,
                tokenKeyFile, tlsCert, tlsKey, grpcPort, mix, maxParticipants, maxRooms, tokenTtl, grpcHost, controlToken,
                insecureControl, p2p, simulcast, servers, tcpPort);
    }
}
