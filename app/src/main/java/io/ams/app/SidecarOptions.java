package io.ams.app;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.signal.HostAddresses;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The sidecar's flags, shared by {@code ams sidecar} and the all-in-one {@code ams}. */
public final class SidecarOptions {
    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--http-host", paramLabel = "ADDRESS",
            description = "Address of the web client and signaling (default: 127.0.0.1 all-in-one, 0.0.0.0 for ams sidecar).")
    String httpHost;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the web client and signaling (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--media-port", paramLabel = "PORT", defaultValue = "10000",
            description = "The single UDP port for every participant's media (default: ${DEFAULT-VALUE}).")
    int mediaPort;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--media-bind", paramLabel = "ADDRESS",
            description = "Bind the media port to this address only (default: every interface).")
    String mediaBind;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--advertise", paramLabel = "IP", split = ",",
            description = "Public IP address(es) to announce as ICE candidates (behind NAT, on cloud instances).")
    List<String> advertise = new ArrayList<>();

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--sfu-grpc-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address of the sidecar's control API (ams.v1.Sfu): loopback by default, so --http-host 0.0.0.0 "
                    + "does not expose it; beyond loopback it needs --control-token-file (default: ${DEFAULT-VALUE}).")
    String grpcHost;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--control-token-file", paramLabel = "FILE",
            description = "The control token: sent on every call to the engine, and required on every call of this "
                    + "process's gRPC APIs (made there, mode 0600, if missing); AMS_CONTROL_TOKEN gives the token itself.")
    Path controlTokenFile;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--insecure-control",
            description = "Allow --sfu-grpc-host beyond loopback without a control token.")
    boolean insecureControl;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--sfu-grpc-port", paramLabel = "PORT", defaultValue = "50052",
            description = "Port of the sidecar's control API, ams.v1.Sfu; -1 turns it off (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--data-dir", paramLabel = "DIR", defaultValue = "ams-data",
            description = "Where the join-token key and the --tls-self-signed certificate are kept (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--tls-cert", paramLabel = "PEM", description = "Certificate for HTTPS/WSS (browsers allow the camera over plain HTTP on localhost only).")
    Path tlsCert;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--tls-key", paramLabel = "PEM", description = "Private key for --tls-cert.")
    Path tlsKey;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--p2p", paramLabel = "on|off", defaultValue = "on",
            description = "Rooms of two (no recording, both browsers allow it) talk peer to peer, and move to the server "
                    + "when a third joins, a recording starts or the direct path fails (default: ${DEFAULT-VALUE}).")
    String p2p;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--p2p-after", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a room must be at two before it goes peer to peer, also after a return to the server "
                    + "(default: ${DEFAULT-VALUE}).")
    double p2pAfterSeconds;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = {"--turn-uri", "--ice-server"}, paramLabel = "URI",
            description = "A STUN or TURN server every browser is given, for the server connection and peer-to-peer calls: "
                    + "stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT] (TURN over TLS, "
                    + "e.g. on 443); repeat for more. TURN needs --turn-secret-file (default: none, host candidates only).")
    List<String> turnUris = new ArrayList<>();

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--turn-secret-file", paramLabel = "FILE",
            description = "The secret shared with the TURN server (coturn's static-auth-secret, use-auth-secret): each "
                    + "participant gets credentials of its own, valid for --turn-ttl. Keep it mode 0600.")
    Path turnSecretFile;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--turn-ttl", paramLabel = "DURATION", defaultValue = "6h",
            description = "How long the TURN credentials handed out at join stay valid, e.g. 90m, 6h, 1d "
                    + "(default: ${DEFAULT-VALUE}).")
    String turnTtl;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--turn-relay-candidates",
            description = "The sidecar's own ICE agents also allocate relay candidates on the TURN/UDP servers of "
                    + "--turn-uri (credentials it mints for itself): for a sidecar whose firewall lets only its TURN "
                    + "server through, or whose address browsers should not see (default: off).")
    boolean turnRelayCandidates;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--ice-tcp-port", paramLabel = "PORT|https", defaultValue = "-1",
            description = "Also offer passive ICE-TCP candidates on this TCP port (RFC 6544), for networks that allow TCP "
                    + "out but no UDP and no TURN; 0: any free port; 'https' (or 'http'): on the HTTP(S) port itself "
                    + "(--http-port, e.g. 443), each connection told apart by its first bytes (default: off). TURN over "
                    + "TLS on 443 is preferred, see README \"Restrictive networks\".")
    String iceTcpPort;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--tls-self-signed",
            description = "HTTPS/WSS with a self-signed certificate for this machine's names and addresses, made once in "
                    + "DATA-DIR/tls and reused; each browser warns once. For meetings with people on other machines.")
    boolean tlsSelfSigned;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mix-size", paramLabel = "WxH", defaultValue = "960x540",
            description = "Size of the mix every participant receives (default: ${DEFAULT-VALUE}).")
    String mixSize;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mix-fps", paramLabel = "FPS", defaultValue = "30", description = "Frame rate of the mix (default: ${DEFAULT-VALUE}).")
    int mixFps;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mix-layout", paramLabel = "grid|filmstrip|speaker", defaultValue = "grid",
            description = "Layout of the mix (default: ${DEFAULT-VALUE}).")
    String mixLayout;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mix-address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Where rooms receive the engine's mix; the engine must reach it (default: ${DEFAULT-VALUE}).")
    String mixAddress;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--max-participants", paramLabel = "N", defaultValue = "50",
            description = "Participants per room (default: ${DEFAULT-VALUE}).")
    int maxParticipants;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--audio-mix-threshold", paramLabel = "N", defaultValue = "6",
            description = "In rooms of more than N participants each one hears one mixed audio stream from the engine "
                    + "instead of one forwarded stream per other participant; 0: always mixed, -1: never (default: ${DEFAULT-VALUE}).")
    int audioMixThreshold;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--no-simulcast", negatable = false,
            description = "Ask browsers for one camera stream each instead of simulcast layers (320x180, 640x360, 1280x720). "
                    + "For clients or networks where simulcast misbehaves; costs uplink and engine decode time, since every "
                    + "camera is then sent and decoded at full size whether its owner speaks or not.")
    boolean noSimulcast;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics, ADDRESS the --sfu-grpc-host (docs/METRICS.md; "
                    + "the all-in-one serves the engine's and the sidecar's there); with a control token the scrape must carry "
                    + "it as a bearer token. 0 (default): no metrics endpoint.")
    int metricsPort;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mqtt-uri", paramLabel = "URI",
            description = "Also carry the signaling over MQTT 5 through this broker (tcp://[USER:PASSWORD@]HOST:1883, "
                    + "ssl:// for TLS), and publish room events there (docs/SIGNALING.md \"MQTT\"). Default: off.")
    String mqttUri;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mqtt-prefix", paramLabel = "PREFIX", defaultValue = "ams",
            description = "The MQTT topic tree's first levels (default: ${DEFAULT-VALUE}; one per sidecar in a cluster).")
    String mqttPrefix;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--mqtt-ws-url", paramLabel = "URL",
            description = "Where browsers reach the same broker over MQTT-over-WebSocket (ws:// or wss://); the web client "
                    + "then signals through it with ?mqtt=URL, and the page may connect to no other broker.")
    String mqttWsUrl;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--no-documents", negatable = false,
            description = "Do not take document uploads (PDF, Office, HWP, pictures) for presenting in meetings.")
    boolean noDocuments;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--documents-dir", paramLabel = "DIR",
            description = "Where document pages are kept, sealed with AES-128-GCM under DIR/content.key "
                    + "(default: DATA-DIR/documents).")
    Path documentsDir;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--max-upload-mb", paramLabel = "MB", defaultValue = "50",
            description = "Largest document upload taken (default: ${DEFAULT-VALUE} MB).")
    int maxUploadMb;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--keep-documents", negatable = false,
            description = "Keep a room's documents (sealed) on disk after the room closes; by default they are deleted with it.")
    boolean keepDocuments;

    @Option(scope = picocli.CommandLine.ScopeType.LOCAL, names = "--no-chat-bot", negatable = false,
            description = "No chat bot: by default the room's chat answers /time, /who and /talktime (docs/DESIGN.md \"Chat bot\").")
    boolean noChatBot;

    /** The chat bot (unless --no-chat-bot) and documents (unless --no-documents) on {@code s}, closing {@code s} if they cannot start. */
    void serveContent(picocli.CommandLine cmd, io.ams.sfu.Sidecar s) throws java.io.IOException {
        if (noChatBot) {
            s.rooms().setChatBot(null);
        }
        if (noDocuments) {
            return;
        }
        if (maxUploadMb < 1 || maxUploadMb > 2048) {
            s.close();
            throw new picocli.CommandLine.ParameterException(cmd, "--max-upload-mb must be 1 to 2048, was " + maxUploadMb);
        }
        Path dir = documentsDir != null ? documentsDir : dataDir.resolve("documents");
        io.ams.sfu.content.ContentService.Settings d = io.ams.sfu.content.ContentService.Settings.defaults(dir);
        try {
            s.serveDocuments(new io.ams.sfu.content.ContentService.Settings(dir, maxUploadMb * 1024L * 1024, d.maxDocuments(),
                    keepDocuments, d.timeoutMillis(), d.heapMb(), d.maxPages(), d.parallel()));
        } catch (java.io.IOException e) {
            s.close();
            throw new java.io.IOException("cannot keep documents in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Starts the MQTT transport on {@code s} when --mqtt-uri was given (closing {@code s} if it cannot). */
    void serveMqtt(picocli.CommandLine cmd, io.ams.sfu.Sidecar s) throws java.io.IOException {
        if (mqttUri == null) {
            return;
        }
        try {
            s.serveMqtt(mqttUri, mqttPrefix, mqttWsUrl);
        } catch (IllegalArgumentException e) {
            s.close();
            throw new picocli.CommandLine.ParameterException(cmd, e.getMessage(), e);
        } catch (java.io.IOException e) {
            s.close();
            throw e;
        }
    }

    SidecarConfig config(picocli.CommandLine cmd, String defaultHttpHost, String engineTarget) {
        MetricsFlag.check(cmd, metricsPort);
        String[] wh = mixSize.toLowerCase().split("x");
        int w;
        int h;
        try {
            w = Integer.parseInt(wh[0]);
            h = Integer.parseInt(wh[1]);
        } catch (RuntimeException e) {
            throw new ParameterException(cmd, "--mix-size '" + mixSize + "' is not WIDTHxHEIGHT, e.g. 960x540");
        }
        if (w < 16 || h < 16 || w > 3840 || h > 2160 || w % 2 != 0 || h % 2 != 0) {
            throw new ParameterException(cmd, "--mix-size " + mixSize + " is out of range: even, 16x16..3840x2160");
        }
        if (mixFps < 1 || mixFps > 60) {
            throw new ParameterException(cmd, "--mix-fps " + mixFps + " is out of range 1..60");
        }
        if (audioMixThreshold < -1 || audioMixThreshold > 500) {
            throw new ParameterException(cmd, "--audio-mix-threshold " + audioMixThreshold
                    + " is out of range: -1 (never), 0 (always) or 1..500 participants");
        }
        LayoutKind layout;
        try {
            layout = LayoutKind.valueOf(mixLayout.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "--mix-layout '" + mixLayout + "' is not grid, filmstrip or speaker");
        }
        if (tlsSelfSigned && (tlsCert != null || tlsKey != null)) {
            throw new ParameterException(cmd, "--tls-self-signed and --tls-cert/--tls-key exclude each other: either the"
                    + " server makes its own certificate, or you give yours");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(cmd, "--tls-cert and --tls-key go together");
        }
        for (String a : advertise) {
            // Checked here, before a certificate naming it is made; the media port needs a literal too.
            if (a.startsWith("[") || !HostAddresses.isIpLiteral(a)) {
                throw new ParameterException(cmd, "--advertise '" + a + "' is not an IP address, e.g. 203.0.113.7");
            }
        }
        InetAddress bind = null;
        if (mediaBind != null) {
            try {
                bind = InetAddress.getByName(mediaBind);
            } catch (UnknownHostException e) {
                throw new ParameterException(cmd, "--media-bind '" + mediaBind + "' is not an address");
            }
        }
        InetAddress mixAt;
        try {
            mixAt = InetAddress.getByName(mixAddress);
        } catch (UnknownHostException e) {
            throw new ParameterException(cmd, "--mix-address '" + mixAddress + "' is not an address");
        }
        io.ams.proto.auth.ControlToken token = ControlTokens.forServer(cmd, controlTokenFile);
        if (grpcPort >= 0) {
            ControlTokens.checkExposure(cmd, "--sfu-grpc-host", grpcHost, token, insecureControl);
        }
        if (!p2p.equals("on") && !p2p.equals("off")) {
            throw new ParameterException(cmd, "--p2p '" + p2p + "' is not on or off");
        }
        if (p2pAfterSeconds < 0 || p2pAfterSeconds > 3600) {
            throw new ParameterException(cmd, "--p2p-after " + p2pAfterSeconds + " is out of range 0..3600 seconds");
        }
        io.ams.sfu.room.P2pSettings p2pSettings = new io.ams.sfu.room.P2pSettings(p2p.equals("on"),
                Math.round(p2pAfterSeconds * 1000), io.ams.sfu.room.P2pSettings.DEFAULT_CONNECT_MILLIS,
                io.ams.sfu.room.P2pSettings.DEFAULT_RETRY_MILLIS);
        IceServers ice = TurnOptions.iceServers(cmd, turnUris, turnSecretFile, turnTtl);
        if (turnRelayCandidates) {
            try {
                ice = ice.withSidecarRelays(true);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cmd, "--turn-relay-candidates: " + e.getMessage());
            }
        }
        int iceTcp = iceTcpPort(cmd, iceTcpPort);
        try {
            return new SidecarConfig(httpHost != null ? httpHost : defaultHttpHost, httpPort, bind, mediaPort, advertise,
                    engineTarget, mixAt, dataDir.resolve("token.key"), tlsCert, tlsKey, grpcPort,
                    new MixSettings(w, h, mixFps, 1200, layout, audioMixThreshold), maxParticipants, 100, Duration.ofHours(12), grpcHost,
                    token, insecureControl, p2pSettings, !noSimulcast, ice, iceTcp);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, e.getMessage());
        }
    }

    /** {@code --ice-tcp-port}: a port (-1 off, 0 any), or https/http: {@link SidecarConfig#ICE_TCP_ON_HTTP_PORT}. */
    static int iceTcpPort(CommandLine cmd, String value) {
        String v = value == null ? "-1" : value.trim();
        if (v.equalsIgnoreCase("https") || v.equalsIgnoreCase("http")) {
            return SidecarConfig.ICE_TCP_ON_HTTP_PORT;
        }
        int port;
        try {
            port = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ParameterException(cmd, "--ice-tcp-port '" + value + "' is not a port number or 'https'");
        }
        if (port < -1 || port > 65535) {
            throw new ParameterException(cmd, "--ice-tcp-port " + port + " is out of range 0..65535");
        }
        return port;
    }

    /**
     * With {@code --tls-self-signed}: the certificate in DATA-DIR/tls, made or reused (see
     * {@link SelfSignedTls}), naming this machine, the {@code --advertise} addresses and a specific
     * {@code --http-host}; null without the flag. Put it into the config with {@link SidecarConfig#withTls}.
     */
    SelfSignedTls selfSignedTls(SidecarConfig config) throws IOException {
        if (!tlsSelfSigned) {
            return null;
        }
        List<String> extra = new ArrayList<>(config.advertisedAddresses());
        String host = config.httpHost();
        boolean wildcard = HostAddresses.parseIpLiteral(host).map(InetAddress::isAnyLocalAddress).orElse(false);
        if (!wildcard) {
            extra.add(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        }
        return SelfSignedTls.loadOrCreate(dataDir.resolve("tls"), extra);
    }
}
