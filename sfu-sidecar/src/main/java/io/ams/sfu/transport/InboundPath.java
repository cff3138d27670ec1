package io.ams.sfu.transport;

import org.jitsi.srtp.SrtpErrorStatus;

/**
 * The receive half of a peer's media path: one datagram in, demultiplexed by first byte; DTLS records go
 * to the handshake's queue, SRTP/SRTCP is authenticated and decrypted in place and handed to the listener,
 * everything else is dropped and counted. Never throws (a listener exception is caught and logged once).
 * Called by exactly one thread, the peer's receive thread; the buffer is only borrowed for the call.
 */
final class InboundPath {
    /** Where decrypted packets go. */
    interface Sink {
        void onRtp(byte[] b, int off, int len);

        void onRtcp(byte[] b, int off, int len);
    }

    /** Where DTLS records go; answers false when the record was dropped. */
    interface DtlsSink {
        boolean offer(byte[] b, int off, int len);
    }

    private final TransportCounters counters;
    private final PacketBuffer view = new PacketBuffer(new byte[0], 0, 0);
    private volatile DtlsSink dtls;
    private volatile SrtpSession srtp;
    private volatile Sink sink;
    private boolean sinkFailureLogged;

    InboundPath(TransportCounters counters) {
        this.counters = counters;
    }

    void setDtlsSink(DtlsSink dtls) {
        this.dtls = dtls;
    }

    void setSrtp(SrtpSession srtp) {
        this.srtp = srtp;
    }

    void setSink(Sink sink) {
        this.sink = sink;
    }

    /** Handles one received datagram; decrypts in place, so {@code b} is modified. */
    void receive(byte[] b, int off, int len) {
        counters.packetsIn.increment();
        counters.bytesIn.add(len);
        switch (PacketKind.of(b, off, len)) {
            case STUN -> {
                // ice4j answers STUN on its own sockets; a stray one here is harmless.
            }
            case DTLS -> {
                DtlsSink d = dtls;
                if (d == null || !d.offer(b, off, len)) {
                    counters.malformed.increment();
                }
            }
            case RTP -> receiveRtp(b, off, len);
            case RTCP -> receiveRtcp(b, off, len);
            default -> counters.malformed.increment();
        }
    }

    private void receiveRtp(byte[] b, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            counters.malformed.increment(); // media before keys: cannot be authenticated
            return;
        }
        view.reset(b, off, len);
        SrtpErrorStatus status = s.unprotectRtp(view);
        if (status != SrtpErrorStatus.OK) {
            countFailure(status, true);
            return;
        }
        counters.rtpIn.increment();
        Sink k = sink;
        if (k != null) {
            try {
                k.onRtp(view.getBuffer(), view.getOffset(), view.getLength());
            } catch (RuntimeException e) {
                logSinkFailure(e);
            }
        }
    }

    private void receiveRtcp(byte[] b, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            counters.malformed.increment();
            return;
        }
        view.reset(b, off, len);
        SrtpErrorStatus status = s.unprotectRtcp(view);
        if (status != SrtpErrorStatus.OK) {
            countFailure(status, false);
            return;
        }
        counters.rtcpIn.increment();
        Sink k = sink;
        if (k != null) {
            try {
                k.onRtcp(view.getBuffer(), view.getOffset(), view.getLength());
            } catch (RuntimeException e) {
                logSinkFailure(e);
            }
        }
    }

    private void countFailure(SrtpErrorStatus status, boolean rtp) {
        switch (status) {
            case AUTH_FAIL, REPLAY_FAIL, REPLAY_OLD -> (rtp ? counters.srtpAuthFailures : counters.srtcpAuthFailures)
                    .increment();
            default -> counters.malformed.increment();
        }
    }

    private void logSinkFailure(RuntimeException e) {
        if (!sinkFailureLogged) {
            sinkFailureLogged = true;
            org.slf4j.LoggerFactory.getLogger(InboundPath.class)
                    .warn("transport listener threw; packet dropped (logged once per peer)", e);
        }
    }
}
