package io.ams.sfu.transport;

import java.io.IOException;
import java.util.List;

import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.TcpHarvester;

/**
 * ice4j's passive ICE-TCP harvester on exactly the addresses given, loopback included: ice4j's own filter
 * drops loopback addresses, which a media port bound to 127.0.0.1 (tests, a sidecar behind a local proxy)
 * needs. Plain TCP (RFC 4571 framing), no Google SSL-TCP.
 */
final class BoundTcpHarvester extends TcpHarvester {
    BoundTcpHarvester(List<TransportAddress> addresses) throws IOException {
        super(addresses, false);
    }

    /** Called by the super constructor before {@code init()} binds: keeps every address. */
    @Override
    protected void addLocalAddresses(List<TransportAddress> transportAddresses) {
        localAddresses.addAll(transportAddresses);
    }
}
