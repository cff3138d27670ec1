package io.ams.sfu.transport;

import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnCredentials;
import io.ams.sfu.ice.TurnUri;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.security.LongTermCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay candidates of the sidecar's own ICE agents ({@code --turn-relay-candidates}): for every TURN/UDP server
 * configured ({@code --turn-uri turn:...}, UDP transport), each peer's agent allocates a relayed address there, with
 * credentials the sidecar mints for itself from the shared secret ({@link IceServers#sidecarCredentialsFor},
 * user {@code sidecar-<peer>}, valid 7 days since the allocation is refreshed with them for the whole session), and offers it as a {@code typ relay} candidate. TURN/TCP and TURN/TLS URIs are for the
 * browsers only. A server that does not answer within {@code timeout} costs that peer its relay candidate, nothing
 * more, and is then skipped for {@link #BACKOFF} so that the joins after it do not wait too ({@link RelayServer}:
 * logged once per outage, counted). Owns one daemon thread pool for the harvests; {@link #close()} ends it.
 */
public final class TurnRelays implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnRelays.class);
    /** How long a TURN server that failed is left alone before the next peer tries it again. */
    static final Duration BACKOFF = Duration.ofSeconds(30);
    /** Default limit for one allocation (two round trips to a server that is usually close to the sidecar). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final IceServers servers;
    private final List<RelayServer> relays;
    private final Duration timeout;
    private final ExecutorService harvests = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ams-turn-harvest");
        t.setDaemon(true);
        return t;
    });
    final LongAdder candidates = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder skipped = new LongAdder();

    private TurnRelays(IceServers servers, List<RelayServer> relays, Duration timeout) {
        this.servers = servers;
        this.relays = relays;
        this.timeout = timeout;
    }

    /**
     * The TURN/UDP servers of {@code servers}, their names looked up now (once); a name that does not resolve is
     * logged and left out. Null when there is none.
     */
    public static TurnRelays of(IceServers servers, Duration timeout) {
        List<RelayServer> relays = new ArrayList<>();
        for (TurnUri uri : servers.uris()) {
            if (!uri.isTurn() || uri.relay() != TurnUri.Relay.UDP) {
                if (uri.isTurn()) {
                    LOG.info("sidecar relay candidates: {} is for browsers only (the sidecar allocates over TURN/UDP)", uri);
                }
                continue;
            }
            String host = uri.host().startsWith("[") ? uri.host().substring(1, uri.host().length() - 1) : uri.host();
            try {
                relays.add(new RelayServer(new TransportAddress(InetAddress.getByName(host), uri.port(), Transport.UDP)));
            } catch (IOException e) {
                LOG.warn("sidecar relay candidates: cannot resolve TURN server {}: {}; left out", uri, e.toString());
            }
        }
        if (relays.isEmpty()) {
            LOG.warn("sidecar relay candidates: no TURN/UDP server (turn:HOST:PORT) among {}; the sidecar offers none",
                    servers.uris());
            return null;
        }
        LOG.info("sidecar relay candidates through {} (credentials minted per peer, {} s per allocation)",
                relays, timeout.toMillis() / 1000.0);
        return new TurnRelays(servers, relays, timeout);
    }

    /** One harvester per server for a new peer's agent, with fresh credentials; none for a server in its back-off. */
    List<RelayHarvester> harvestersFor(String peerId) {
        List<RelayHarvester> out = new ArrayList<>();
        for (RelayServer r : relays) {
            if (!r.available()) {
                skipped.increment();
                continue;
            }
            TurnCredentials c = servers.sidecarCredentialsFor("sidecar-" + peerId);
            out.add(new RelayHarvester(r, new LongTermCredential(c.username(), c.password()), this));
        }
        return out;
    }

    ExecutorService executor() {
        return harvests;
    }

    Duration timeout() {
        return timeout;
    }

    /** Relay candidates allocated. */
    public long candidates() {
        return candidates.sum();
    }

    /** Allocations that failed or timed out. */
    public long failures() {
        return failures.sum();
    }

    /** Peers that got no relay candidate from a server because it was in its back-off after a failure. */
    public long skipped() {
        return skipped.sum();
    }

    @Override
    public void close() {
        harvests.shutdownNow();
    }
}
