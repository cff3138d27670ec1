package io.ams.sfu.transport;

import java.io.IOException;

import org.jitsi.srtp.SrtpErrorStatus;

/**
 * The send half of a peer's media path: plain RTP/RTCP in, SRTP/SRTCP out to the ICE component. Refuses
 * (false, counted in sendsDropped) until keys are in place, on bad input, or when the socket fails. Never
 * throws; safe to call from any thread. The caller's buffer is copied, never modified.
 */
final class OutboundPath {
    /** Where protected datagrams go. */
    interface Output {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private final TransportCounters counters;
    private final Output output;
    private volatile SrtpSession srtp;
    private volatile RtpSendHook rtpHook; // bandwidth estimation: transport-wide seq stamping, or null

    OutboundPath(TransportCounters counters, Output output) {
        this.counters = counters;
        this.output = output;
    }

    void setSrtp(SrtpSession srtp) {
        this.srtp = srtp;
    }

    void setRtpHook(RtpSendHook hook) {
        this.rtpHook = hook;
    }

    boolean sendRtp(byte[] b, int off, int len) {
        return send(b, off, len, true);
    }

    boolean sendRtcp(byte[] b, int off, int len) {
        return send(b, off, len, false);
    }

    private boolean send(byte[] b, int off, int len, boolean rtp) {
        SrtpSession s = srtp;
        if (s == null || b == null || off < 0 || len < 0 || off + len > b.length
                || PacketKind.of(b, off, len) != (rtp ? PacketKind.RTP : PacketKind.RTCP)) {
            counters.sendsDropped.increment();
            return false;
        }
        RtpSendHook hook = rtp ? rtpHook : null;
        byte[] copy = new byte[len + SrtpSession.MAX_OVERHEAD + (hook == null ? 0 : RtpSendHook.MAX_GROWTH)];
        int n = -1;
        if (hook != null) {
            try {
                n = hook.rewrite(b, off, len, copy, System.nanoTime());
            } catch (RuntimeException e) {
                n = -1; // a hook must not throw; send the packet as it came
            }
        }
        if (n < 0) {
            System.arraycopy(b, off, copy, 0, len);
            n = len;
        }
        PacketBuffer packet = new PacketBuffer(copy, 0, n);
        SrtpErrorStatus status = rtp ? s.protectRtp(packet) : s.protectRtcp(packet);
        if (status != SrtpErrorStatus.OK) {
            counters.sendsDropped.increment();
            return false;
        }
        try {
            output.send(packet.getBuffer(), packet.getOffset(), packet.getLength());
        } catch (IOException | RuntimeException e) {
            counters.sendsDropped.increment();
            return false;
        }
        counters.packetsOut.increment();
        counters.bytesOut.add(packet.getLength());
        return true;
    }
}
