package io.ams.sfu.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvest;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * ice4j's TURN harvester for one peer's agent and one TURN/UDP server ({@link TurnRelays}), with three changes:
 * <ul>
 *   <li>the allocation is made from a UDP socket of its own on the address of the first host candidate (the shared
 *       media port routes only ICE traffic by ufrag, a TURN server's answers would not reach the harvest there);
 *       that socket is only the relay's base and is never offered;</li>
 *   <li>only the relayed candidate is kept: the server-reflexive one the allocation's answer would also give is
 *       dropped, so the agent's checks go through the relay or the media port, never from the base socket;</li>
 *   <li>the harvest is bounded by {@link TurnRelays#timeout()}; a failure or timeout goes to {@link RelayServer}.</li>
 * </ul>
 * The credentials are never logged (ice4j keeps them in the allocation's requests only).
 */
final class RelayHarvester extends TurnCandidateHarvester {
    private final RelayServer server;
    private final TurnRelays relays;
    private final List<MultiplexingDatagramSocket> bases = new ArrayList<>();

    RelayHarvester(RelayServer server, LongTermCredential credential, TurnRelays relays) {
        super(server.address, credential);
        this.server = server;
        this.relays = relays;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        Future<Collection<LocalCandidate>> harvest;
        try {
            harvest = relays.executor().submit(() -> super.harvest(component));
        } catch (RejectedExecutionException e) {
            return List.of(); // the media port is closing
        }
        Collection<LocalCandidate> found;
        try {
            found = harvest.get(relays.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            relays.failures.increment();
            server.failed("no answer within " + relays.timeout().toMillis() + " ms");
            return List.of(); // ice4j ends the allocation's transactions itself
        } catch (ExecutionException e) {
            relays.failures.increment();
            server.failed(e.getCause().toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        long relayed = found.stream().filter(c -> c instanceof RelayedCandidate).count();
        if (relayed == 0) {
            relays.failures.increment();
            server.failed("the allocation failed (unreachable, or credentials refused)");
        } else {
            relays.candidates.add(relayed);
            server.worked();
        }
        return found;
    }

    /** The relay's base: a socket of its own next to the first UDP host candidate; null for the other host candidates. */
    @Override
    protected HostCandidate getHostCandidate(HostCandidate host) {
        if (host.getTransport() != Transport.UDP) {
            return null;
        }
        synchronized (bases) {
            if (!bases.isEmpty()) {
                return null;
            }
            try {
                MultiplexingDatagramSocket socket = new MultiplexingDatagramSocket(
                        new InetSocketAddress(host.getTransportAddress().getAddress(), 0));
                bases.add(socket);
                HostCandidate base = new HostCandidate(new IceUdpSocketWrapper(socket), host.getParentComponent(),
                        Transport.UDP);
                host.getParentComponent().getParentStream().getParentAgent().getStunStack()
                        .addSocket(base.getStunSocket(null));
                return base;
            } catch (IOException e) {
                server.failed("no socket for the allocation: " + e.getMessage());
                return null;
            }
        }
    }

    @Override
    protected TurnCandidateHarvest createHarvest(HostCandidate base) {
        return new TurnCandidateHarvest(this, base) {
            @Override
            protected void createServerReflexiveCandidate(Response response) {
                // relay only: the base socket is not offered, so neither is its mapped address
            }
        };
    }

    /**
     * Releases the component's TURN allocations (a Refresh with lifetime 0 each) by closing their sockets. Must run
     * before {@code Agent.free()}: that shuts the agent's STUN stack down before it frees the candidates, so ice4j's
     * own release would find no connector to send it through, and the allocation would stay on the TURN server
     * until its lifetime ran out (600 s with coturn).
     */
    static void releaseAllocations(Component component) {
        for (LocalCandidate c : component.getLocalCandidates()) {
            if (c instanceof RelayedCandidate relayed) {
                IceSocketWrapper socket = relayed.getCandidateIceSocketWrapper();
                if (socket != null) {
                    // stop the stack's reader of the relayed socket first: closed under it, it dies with a warning
                    component.getParentStream().getParentAgent().getStunStack().removeSocket(relayed.getTransportAddress());
                    socket.close();
                }
            }
        }
    }

    /** Closes the base sockets (after the agent has been freed). */
    void close() {
        synchronized (bases) {
            bases.forEach(MultiplexingDatagramSocket::close);
            bases.clear();
        }
    }

    @Override
    public String toString() {
        return "RelayHarvester[" + server + "]";
    }
}
