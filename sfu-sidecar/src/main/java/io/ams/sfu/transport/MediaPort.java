package io.ams.sfu.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.TcpHarvester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP port every peer's media uses: ice4j {@link SinglePortUdpHarvester}s bound to the configured
 * address (one per interface address when it is a wildcard, all on the same port), shared by every peer's
 * ICE agent; incoming STUN is routed to the right agent by its USERNAME ufrag, then by remote address.
 * With a {@link TransportConfig#tcpPort()} also one ice4j {@link TcpHarvester} on that TCP port (same
 * addresses): passive ICE-TCP candidates (RFC 6544, RFC 4571 framing), each accepted connection routed to
 * its agent by the ufrag of its first STUN request.
 *
 * <p>Owns: the harvesters (sockets and their reader threads, the TCP listener and its accept thread), a small timer thread for consent/timeout
 * checks, and every {@link PeerTransport} it made that is still open; {@link #close()} releases all of them.
 */
public final class MediaPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaPort.class);

    static {
        IceDefaults.apply();
    }

    private final TransportConfig config;
    private final DtlsIdentity identity;
    private final List<SinglePortUdpHarvester> harvesters;
    private final int port;
    private final TcpHarvester tcp;
    private final int tcpPort;
    private final ScheduledExecutorService timer;
    private final Set<PeerTransport> peers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SharedTcp sharedTcp = new SharedTcp(-1, List.of());
    private volatile TurnRelays relays;

    private MediaPort(TransportConfig config, DtlsIdentity identity, List<SinglePortUdpHarvester> harvesters,
                      TcpHarvester tcp, int tcpPort) {
        this.config = config;
        this.tcp = tcp;
        this.tcpPort = tcpPort;
        this.identity = identity;
        this.harvesters = List.copyOf(harvesters);
        this.port = harvesters.get(0).getLocalAddress().getPort();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ams-transport-timer-" + port);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Binds the port. A wildcard bind address gives one socket per allowed interface address (ice4j's
     * config decides which: no link-local, no loopback), all on the same port.
     *
     * @throws TransportException if nothing could be bound
     */
    public static MediaPort open(TransportConfig cfg, DtlsIdentity id) {
        List<SinglePortUdpHarvester> harvesters = new ArrayList<>();
        try {
            InetAddress bind = InetAddress.getByName(cfg.bindAddress()); // an IP literal: no lookup
            if (bind.isAnyLocalAddress()) {
                int chosenPort = cfg.port();
                for (TransportAddress address : AbstractUdpListener.getAllowedAddresses(chosenPort)) {
                    TransportAddress at = new TransportAddress(address.getAddress(), chosenPort, Transport.UDP);
                    SinglePortUdpHarvester h = new SinglePortUdpHarvester(at);
                    harvesters.add(h);
                    chosenPort = h.getLocalAddress().getPort();
                }
            } else {
                harvesters.add(new SinglePortUdpHarvester(new TransportAddress(bind, cfg.port(), Transport.UDP)));
            }
        } catch (IOException e) {
            harvesters.forEach(SinglePortUdpHarvester::close);
            throw new TransportException("cannot bind media port " + cfg.bindAddress() + ":" + cfg.port()
                    + ": " + e.getMessage(), e);
        }
        if (harvesters.isEmpty()) {
            throw new TransportException("no usable interface address for media port " + cfg.bindAddress(),
                    new UnknownHostException(cfg.bindAddress()));
        }
        TcpHarvester tcp = null;
        int tcpPort = -1;
        if (cfg.tcpShared()) {
            try {
                InetAddress loopback = InetAddress.getLoopbackAddress();
                tcpPort = freeTcpPort(loopback);
                tcp = new BoundTcpHarvester(List.of(new TransportAddress(loopback, tcpPort, Transport.TCP)));
            } catch (IOException e) {
                harvesters.forEach(SinglePortUdpHarvester::close);
                throw new TransportException("cannot listen for relayed ICE-TCP on loopback: " + e.getMessage(), e);
            }
        } else if (cfg.tcpPort() >= 0) {
            try {
                InetAddress bind = InetAddress.getByName(cfg.bindAddress());
                tcpPort = cfg.tcpPort() > 0 ? cfg.tcpPort() : freeTcpPort(bind);
                tcp = bind.isAnyLocalAddress() ? new TcpHarvester(tcpPort, false)
                        : new BoundTcpHarvester(List.of(new TransportAddress(bind, tcpPort, Transport.TCP)));
            } catch (IOException e) {
                harvesters.forEach(SinglePortUdpHarvester::close);
                throw new TransportException("cannot listen for ICE-TCP on " + cfg.bindAddress() + ":" + cfg.tcpPort()
                        + ": " + e.getMessage(), e);
            }
        }
        MediaPort mediaPort = new MediaPort(cfg, id, harvesters, tcp, tcpPort);
        LOG.info("media port open on {} (advertised {}), ICE-TCP {}",
                harvesters.stream().map(h -> h.getLocalAddress().toString()).toList(), cfg.advertisedAddresses(),
                tcp == null ? "off" : cfg.tcpShared() ? "relayed from the HTTP(S) port to loopback TCP port " + tcpPort
                        : "on TCP port " + tcpPort);
        return mediaPort;
    }

    /** A port that was free a moment ago (the TCP listener binds per address and needs one number for all). */
    private static int freeTcpPort(InetAddress bind) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, bind)) {
            return probe.getLocalPort();
        }
    }

    /** The UDP port all peers share. */
    public int port() {
        return port;
    }

    /**
     * The TCP port of the passive ICE-TCP candidates, -1 without ICE-TCP (shared with the HTTPS port: that port
     * once {@link #announceTcp} has named it, -1 before).
     */
    public int tcpPort() {
        return config.tcpShared() ? sharedTcp.port() : tcpPort;
    }

    /** Shared ICE-TCP: where the listener that takes the relayed connections is (loopback); null otherwise. */
    public InetSocketAddress tcpRelayTarget() {
        return config.tcpShared() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort) : null;
    }

    /**
     * Shared ICE-TCP: the port (the HTTPS port) and addresses the passive TCP candidates announce; no addresses =
     * those of the UDP host candidates (an HTTPS port on every interface). Call before the first peer.
     */
    public void announceTcp(int port, List<String> addresses) {
        if (!config.tcpShared()) {
            throw new IllegalStateException("this media port's ICE-TCP is not shared with another port");
        }
        sharedTcp = new SharedTcp(port, List.copyOf(addresses));
    }

    /**
     * From now on every new peer's agent also gathers relay candidates on these TURN servers
     * ({@code --turn-relay-candidates}); the port closes them with itself. Null: none.
     */
    public void useTurnRelays(TurnRelays r) {
        this.relays = r;
    }

    /** The sidecar's own relay candidates, null without. */
    public TurnRelays turnRelays() {
        return relays;
    }

    /** The shared TCP port and addresses announced; port -1 until {@link #announceTcp}. */
    SharedTcp sharedTcp() {
        return sharedTcp;
    }

    /** Where passive TCP candidates of a shared ICE-TCP listener point. */
    record SharedTcp(int port, List<String> addresses) {
    }

    /** The DTLS identity whose fingerprint every peer's offer carries. */
    public DtlsIdentity identity() {
        return identity;
    }

    /**
     * A new ICE/DTLS transport for one peer (our ICE role: controlling), not yet started.
     *
     * @throws TransportException if the port is closed or the ICE agent cannot be made
     */
    public PeerTransport newPeer(String peerId) {
        if (closed.get()) {
            throw new TransportException("media port " + port + " is closed", null);
        }
        PeerTransport peer;
        try {
            peer = new PeerTransport(peerId, this);
        } catch (IOException | RuntimeException e) {
            throw new TransportException("cannot create ICE agent for peer " + peerId + ": " + e.getMessage(), e);
        }
        peers.add(peer);
        return peer;
    }

    /** Closes every open peer, then the sockets and threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (PeerTransport peer : List.copyOf(peers)) {
            peer.close();
        }
        harvesters.forEach(SinglePortUdpHarvester::close);
        if (tcp != null) {
            tcp.close();
        }
        if (relays != null) {
            relays.close();
        }
        timer.shutdownNow();
        LOG.info("media port {} closed", port);
    }

    List<SinglePortUdpHarvester> harvesters() {
        return harvesters;
    }

    /** The ICE-TCP harvester, null without ICE-TCP. */
    TcpHarvester tcpHarvester() {
        return tcp;
    }

    TransportConfig config() {
        return config;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    void forget(PeerTransport peer) {
        peers.remove(peer);
    }

    int openPeers() {
        return peers.size();
    }
}
