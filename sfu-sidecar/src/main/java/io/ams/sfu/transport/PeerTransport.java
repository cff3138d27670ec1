package io.ams.sfu.transport;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DTLSTransport;
import org.ice4j.Transport;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's WebRTC transport on the shared {@link MediaPort}: an ice4j agent (full ICE, we are
 * controlling), then DTLS 1.2 (server unless the remote answered {@code passive}) and SRTP. State only moves
 * forward: NEW, CHECKING ({@link #start()}), CONNECTED (ICE selected a pair), READY (SRTP keys in place);
 * FAILED and CLOSED are terminal and free every resource.
 *
 * <p>Threads: ice4j's own threads run the checks; after ICE completes a receive thread
 * ({@code ams-rx-<peer>}) reads the ICE component's socket and runs {@link InboundPath}, and a DTLS thread
 * ({@code ams-dtls-<peer>}) runs the handshake and ends; late DTLS records (a retransmitted last flight,
 * the peer's close_notify) are then handled on the receive thread. So a peer holds one thread of its own
 * once connected, two during the handshake. {@link #close()} never waits for them: they notice within
 * half a second and end by themselves. Listener callbacks
 * arrive on those threads: {@code onRtp}/{@code onRtcp} on the receive thread (buffer only valid during the
 * call), {@code onState} on whichever thread caused the change, one at a time and in order. Do not block
 * in them. The media path never throws: bad packets are dropped and counted in {@link #stats()}.
 *
 * <p>Owns: the agent (its sockets on the shared port), both threads, the DTLS transport and SRTP contexts.
 * The {@link MediaPort} is borrowed.
 */
public final class PeerTransport implements MediaSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
    private static final int RECEIVE_BUFFER = 1500 + SrtpSession.MAX_OVERHEAD;
    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void onState(State s, String reason) {
        }

        @Override
        public void onRtp(byte[] b, int off, int len) {
        }

        @Override
        public void onRtcp(byte[] b, int off, int len) {
        }
    };

    /** Receives state changes and decrypted media. See the class comment for threads. */
    public interface Listener {
        void onState(State s, String reason);

        void onRtp(byte[] b, int off, int len);

        void onRtcp(byte[] b, int off, int len);
    }

    /** Transport states; READY means SRTP keys are in place and media flows both ways. */
    public enum State { NEW, CHECKING, CONNECTED, READY, FAILED, CLOSED }

    private final String peerId;
    private final MediaPort port;
    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final TransportCounters counters = new TransportCounters();
    private final InboundPath inbound = new InboundPath(counters);
    private final OutboundPath outbound;
    private final QueuedDatagramTransport dtlsPipe;
    private final List<RelayHarvester> relayHarvesters;

    /** Guards state, the remote parameters and the resources below; listener.onState is called under it. */
    private final Object lock = new Object();
    private State state = State.NEW;
    private String remoteFingerprint;
    private boolean weAreDtlsServer = true;
    private boolean remoteParametersSet;
    private Thread receiveThread;
    private Thread dtlsThread;
    private DTLSTransport dtls;
    private volatile DTLSTransport established; // set once the handshake is done: late records go to it
    private byte[] lateDtlsBuffer;              // receive thread only
    private SrtpSession srtp;
    private ScheduledFuture<?> watchdog;
    private boolean released;

    private volatile Listener listener = NO_LISTENER;
    private volatile boolean stopping;
    private volatile long startedNanos;
    private volatile long lastHeardNanos;

    PeerTransport(String peerId, MediaPort port) throws IOException {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.port = port;
        this.agent = new Agent();
        agent.setControlling(true);
        agent.setUseDynamicPorts(false);
        agent.setPerformConsentFreshness(true);
        for (SinglePortUdpHarvester harvester : port.harvesters()) {
            agent.addCandidateHarvester(harvester);
        }
        if (port.tcpHarvester() != null) {
            agent.addCandidateHarvester(port.tcpHarvester());
        }
        TurnRelays turn = port.turnRelays();
        this.relayHarvesters = turn == null ? List.of() : turn.harvestersFor(peerId);
        relayHarvesters.forEach(agent::addCandidateHarvester);
        this.stream = agent.createMediaStream("ams-" + peerId);
        this.component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
        agent.addStateChangeListener(this::iceStateChanged);
        stream.addPairChangeListener(this::icePairChanged);
        this.outbound = new OutboundPath(counters, this::sendDatagram);
        this.dtlsPipe = new QueuedDatagramTransport(this::sendDatagram);
        inbound.setDtlsSink(this::onDtlsRecord);
        inbound.setSink(new InboundPath.Sink() {
            @Override
            public void onRtp(byte[] b, int off, int len) {
                listener.onRtp(b, off, len);
            }

            @Override
            public void onRtcp(byte[] b, int off, int len) {
                listener.onRtcp(b, off, len);
            }
        });
    }

    /** The peer id given to {@link MediaPort#newPeer}. */
    public String peerId() {
        return peerId;
    }

    public String localUfrag() {
        return agent.getLocalUfrag();
    }

    public String localPassword() {
        return agent.getLocalPassword();
    }

    /**
     * Our candidates as SDP attribute values: host candidates of the bound address(es) (UDP, and passive
     * TCP with ICE-TCP), relay candidates with {@link TurnRelays}, then a srflx candidate per advertised
     * (public/NAT) address on the same port(s).
     */
    public List<String> localCandidates() {
        List<String> out = new ArrayList<>();
        List<LocalCandidate> locals = component.getLocalCandidates();
        boolean shared = port.config().tcpShared();
        for (LocalCandidate c : locals) {
            if (shared && c.getTransport() == Transport.TCP) {
                out.addAll(sharedTcpCandidates(c, locals));
            } else {
                out.add(IceCandidates.format(c));
            }
        }
        List<String> advertised = port.config().advertisedAddresses();
        if (!locals.isEmpty()) {
            String related = locals.get(0).getTransportAddress().getHostAddress();
            for (int i = 0; i < advertised.size(); i++) {
                out.add(IceCandidates.formatAdvertised(i + 1, advertised.get(i), port.port(), related));
                if (port.tcpPort() > 0) {
                    out.add(IceCandidates.formatAdvertisedTcp(i + 1, advertised.get(i), port.tcpPort(), related));
                }
            }
        }
        return out;
    }

    /**
     * ICE-TCP shared with the HTTPS port: ice4j's TCP candidate is its loopback listener, which browsers must not
     * be told; they are told the HTTPS port on its addresses instead (the UDP host addresses when it listens on
     * every interface), with the priority and foundation of ice4j's candidate.
     */
    private List<String> sharedTcpCandidates(LocalCandidate loopback, List<LocalCandidate> locals) {
        MediaPort.SharedTcp shared = port.sharedTcp();
        if (shared.port() < 1) {
            return List.of();
        }
        List<String> addresses = new ArrayList<>(shared.addresses());
        if (addresses.isEmpty()) {
            for (LocalCandidate c : locals) {
                if (c.getTransport() == Transport.UDP && c.getType() == CandidateType.HOST_CANDIDATE) {
                    addresses.add(c.getTransportAddress().getHostAddress());
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            out.add(IceCandidates.formatHostTcp(loopback.getFoundation() + "s" + i, loopback.getPriority() - i,
                    addresses.get(i), shared.port()));
        }
        return out;
    }

    /** Our certificate's SHA-256 fingerprint ("AB:CD:..."), the same for every peer of the port. */
    public String localFingerprint() {
        return port.identity().fingerprintSha256();
    }

    /**
     * The remote's ICE credentials and DTLS certificate fingerprint from its answer. {@code weAreDtlsServer}
     * is true when it answered {@code a=setup:active} (the usual browser answer), false for {@code passive}.
     */
    public void setRemoteParameters(String ufrag, String pwd, String fingerprintSha256, boolean weAreDtlsServer) {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(pwd, "pwd");
        Objects.requireNonNull(fingerprintSha256, "fingerprintSha256");
        synchronized (lock) {
            if (state.compareTo(State.CHECKING) >= 0) {
                throw new IllegalStateException("peer " + peerId + ": remote parameters after start() (" + state + ")");
            }
            stream.setRemoteUfrag(ufrag);
            stream.setRemotePassword(pwd);
            this.remoteFingerprint = DtlsIdentity.normaliseFingerprint(fingerprintSha256);
            this.weAreDtlsServer = weAreDtlsServer;
            this.remoteParametersSet = true;
        }
    }

    /**
     * Adds a remote candidate ("candidate:..." with or without "a="). mDNS/hostname, TCP and RTCP-component
     * candidates are ignored (the peer is then learnt peer-reflexively from its checks); so are candidates
     * after ICE completed.
     *
     * @throws IllegalArgumentException if the attribute is malformed
     */
    public void addRemoteCandidate(String candidateAttr) {
        if (candidateAttr == null || candidateAttr.isBlank()) {
            return; // end-of-candidates
        }
        RemoteCandidate candidate = IceCandidates.parse(candidateAttr, component);
        if (candidate == null) {
            LOG.debug("peer {}: ignoring candidate {}", peerId, candidateAttr);
            return;
        }
        synchronized (lock) {
            switch (state) {
                case NEW -> component.addRemoteCandidate(candidate);
                case CHECKING -> {
                    component.addUpdateRemoteCandidates(candidate);
                    component.updateRemoteCandidates();
                }
                default -> LOG.debug("peer {}: candidate after ICE ({}), ignored", peerId, state);
            }
        }
    }

    /**
     * Starts ICE checks; DTLS and SRTP follow by themselves. Needs {@link #setRemoteParameters}. A second
     * call does nothing.
     */
    public void start() {
        synchronized (lock) {
            if (state != State.NEW) {
                return;
            }
            if (!remoteParametersSet) {
                throw new IllegalStateException("peer " + peerId + ": start() before setRemoteParameters()");
            }
            startedNanos = System.nanoTime();
            transition(State.CHECKING, "ICE checks started with " + component.getRemoteCandidateCount()
                    + " remote candidate(s)");
            long periodMs = Math.max(100, Math.min(1000, port.config().consentTimeout().toMillis() / 10));
            watchdog = port.timer().scheduleWithFixedDelay(this::checkLiveness, periodMs, periodMs,
                    TimeUnit.MILLISECONDS);
        }
        agent.startConnectivityEstablishment();
    }

    public void setListener(Listener l) {
        this.listener = l == null ? NO_LISTENER : l;
    }

    /** The current state. */
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Protects and sends one plain RTP packet; false (counted) if not READY or the packet is unusable. */
    @Override
    public boolean sendRtp(byte[] b, int off, int len) {
        return outbound.sendRtp(b, off, len);
    }

    /** Protects and sends one plain (compound) RTCP packet; false (counted) if not READY or unusable. */
    @Override
    public boolean sendRtcp(byte[] b, int off, int len) {
        return outbound.sendRtcp(b, off, len);
    }

    /** Edits every RTP packet before protection (send-side bandwidth estimation); null removes it. */
    public void setRtpSendHook(RtpSendHook hook) {
        outbound.setRtpHook(hook);
    }

    public TransportStats stats() {
        return counters.snapshot();
    }

    /** Closes the transport and frees its sockets and threads. Idempotent; reports CLOSED unless FAILED. */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            if (state != State.FAILED) {
                transition(State.CLOSED, "closed");
            }
            state = State.CLOSED;
        }
        release(); // the threads see 'stopping' and end within their receive timeouts; nobody waits for them
    }

    /** The peer's threads still running (for tests: none some time after close, one once connected). */
    public int threadsAlive() {
        int n = 0;
        synchronized (lock) {
            for (Thread t : new Thread[] {receiveThread, dtlsThread}) {
                if (t != null && t.isAlive()) {
                    n++;
                }
            }
        }
        return n;
    }

    // ---- ICE events (ice4j threads) ----

    private void iceStateChanged(PropertyChangeEvent event) {
        if (!Agent.PROPERTY_ICE_PROCESSING_STATE.equals(event.getPropertyName())) {
            return;
        }
        IceProcessingState old = (IceProcessingState) event.getOldValue();
        IceProcessingState now = (IceProcessingState) event.getNewValue();
        if (now == IceProcessingState.COMPLETED) {
            iceCompleted();
        } else if (now == IceProcessingState.FAILED) {
            fail("ICE failed: no candidate pair succeeded");
        } else if (now == IceProcessingState.TERMINATED && old == IceProcessingState.RUNNING) {
            fail("ICE terminated before completing");
        }
    }

    private void icePairChanged(PropertyChangeEvent event) {
        if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(event.getPropertyName())) {
            lastHeardNanos = System.nanoTime();
        }
    }

    private void iceCompleted() {
        CandidatePair pair = component.getSelectedPair();
        String selected = pair == null ? "?" : pair.getLocalCandidate().getTransportAddress() + " <-> "
                + pair.getRemoteCandidate().getTransportAddress() + " (" + pair.getRemoteCandidate().getType() + ")";
        synchronized (lock) {
            if (state != State.CHECKING) {
                return;
            }
            lastHeardNanos = System.nanoTime();
            transition(State.CONNECTED, "ICE selected " + selected);
            receiveThread = new Thread(this::receiveLoop, "ams-rx-" + peerId);
            receiveThread.setDaemon(true);
            dtlsThread = new Thread(this::dtlsLoop, "ams-dtls-" + peerId);
            dtlsThread.setDaemon(true);
            receiveThread.start();
            dtlsThread.start();
        }
    }

    // ---- receive thread ----

    private void receiveLoop() {
        MultiplexingDatagramSocket socket = component.getSocket();
        byte[] buffer = new byte[RECEIVE_BUFFER];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.setSoTimeout(500);
        } catch (IOException e) {
            LOG.debug("peer {}: no receive timeout: {}", peerId, e.toString());
        }
        while (!stopping) {
            packet.setData(buffer, 0, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException | RuntimeException e) {
                if (!stopping) {
                    fail("socket error: " + e);
                }
                return;
            }
            lastHeardNanos = System.nanoTime();
            try {
                inbound.receive(packet.getData(), packet.getOffset(), packet.getLength());
            } catch (RuntimeException e) {
                counters.malformed.increment(); // InboundPath does not throw; belt and braces
            }
        }
    }

    // ---- DTLS thread ----

    private void dtlsLoop() {
        boolean asServer;
        String fingerprint;
        synchronized (lock) {
            asServer = weAreDtlsServer;
            fingerprint = remoteFingerprint;
        }
        long remainingMs = port.config().consentTimeout().toMillis()
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        int timeoutMs = (int) Math.max(1000, Math.min(Integer.MAX_VALUE, remainingMs));
        DtlsHandshake.Result result;
        try {
            result = DtlsHandshake.run(asServer, port.identity(), fingerprint, dtlsPipe, timeoutMs);
        } catch (DtlsHandshake.DtlsFailure e) {
            if (!stopping) {
                counters.dtlsFailures.increment();
                LOG.warn("peer {}: DTLS {} handshake failed: {}", peerId, asServer ? "server" : "client",
                        e.getMessage());
                fail("DTLS handshake failed: " + e.getMessage());
            }
            return;
        }
        SrtpSession session = new SrtpSession(result.profile(), result.keyBlock(), result.localIsClient());
        synchronized (lock) {
            if (state != State.CONNECTED) {
                session.close();
                closeDtlsQuietly(result.transport());
                return;
            }
            this.srtp = session;
            this.dtls = result.transport();
            inbound.setSrtp(session);
            outbound.setSrtp(session);
            transition(State.READY, "DTLS " + (asServer ? "server" : "client") + " done, SRTP "
                    + result.profile());
            established = result.transport();
        }
        drainLateDtls(); // what came in while we finished; from now on the receive thread does this
    }

    // ---- late DTLS records (receive thread) ----

    /** A DTLS record from the socket: to the handshake while it runs, else handled here at once. */
    private boolean onDtlsRecord(byte[] b, int off, int len) {
        boolean queued = dtlsPipe.offer(b, off, len);
        if (established != null) {
            drainLateDtls();
        }
        return queued;
    }

    /** After the handshake: answers a retransmitted flight and notices the peer's close_notify. */
    private void drainLateDtls() {
        DTLSTransport transport = established;
        if (transport == null) {
            return;
        }
        synchronized (dtlsPipe) { // the DTLS thread's last drain and the receive thread's first may overlap
            if (lateDtlsBuffer == null) {
                lateDtlsBuffer = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
            }
            try {
                int n;
                while (!stopping && (n = transport.receive(lateDtlsBuffer, 0, lateDtlsBuffer.length, 1)) >= 0) {
                    LOG.debug("peer {}: ignoring {} bytes of DTLS application data", peerId, n);
                }
            } catch (IOException | RuntimeException e) {
                if (!stopping) {
                    fail("DTLS connection ended: " + e.getMessage());
                }
            }
        }
    }

    // ---- liveness (timer thread) ----

    private void checkLiveness() {
        State s;
        synchronized (lock) {
            s = state;
        }
        long now = System.nanoTime();
        long limitNanos = port.config().consentTimeout().toNanos();
        if ((s == State.CHECKING || s == State.CONNECTED) && now - startedNanos > limitNanos) {
            fail("not ready within " + port.config().consentTimeout().toSeconds() + " s (stuck in " + s
                    + ", ICE " + agent.getState() + ")");
        } else if ((s == State.CONNECTED || s == State.READY) && now - lastHeardNanos > limitNanos) {
            fail("peer silent for " + port.config().consentTimeout().toSeconds()
                    + " s: no media and no ICE consent response");
        }
    }

    // ---- shared plumbing ----

    private void sendDatagram(byte[] b, int off, int len) throws IOException {
        component.send(b, off, len);
    }

    /** Moves to FAILED (once), tells the listener, and frees resources off the calling thread. */
    private void fail(String reason) {
        synchronized (lock) {
            if (state == State.FAILED || state == State.CLOSED) {
                return;
            }
            transition(State.FAILED, reason);
        }
        try {
            port.timer().execute(this::release);
        } catch (RuntimeException e) {
            release(); // the port's timer is shut down: release here
        }
    }

    /** Sets the state and reports it; caller holds the lock. */
    private void transition(State next, String reason) {
        State previous = state;
        state = next;
        if (next == State.FAILED) {
            LOG.warn("peer {}: {} -> {}: {}", peerId, previous, next, reason);
        } else {
            LOG.info("peer {}: {} -> {}: {}", peerId, previous, next, reason);
        }
        try {
            listener.onState(next, reason);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: listener threw on {}", peerId, next, e);
        }
    }

    /** Frees the agent, DTLS, SRTP and the watchdog; threads end on their own. Runs once. */
    private void release() {
        DTLSTransport dtlsToClose;
        SrtpSession srtpToClose;
        synchronized (lock) {
            if (released) {
                return;
            }
            released = true;
            stopping = true;
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            dtlsToClose = dtls;
            srtpToClose = srtp;
        }
        inbound.setSrtp(null);
        outbound.setSrtp(null);
        if (dtlsToClose != null) {
            closeDtlsQuietly(dtlsToClose); // sends close_notify while the socket is still open
        }
        dtlsPipe.close();
        if (!relayHarvesters.isEmpty()) {
            RelayHarvester.releaseAllocations(component);
        }
        try {
            agent.free();
        } catch (RuntimeException e) {
            LOG.debug("peer {}: agent.free: {}", peerId, e.toString());
        }
        relayHarvesters.forEach(RelayHarvester::close);
        if (srtpToClose != null) {
            srtpToClose.close();
        }
        port.forget(this);
    }

    private void closeDtlsQuietly(DTLSTransport transport) {
        try {
            transport.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("peer {}: DTLS close: {}", peerId, e.toString());
        }
    }

}
