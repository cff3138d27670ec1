package io.ams.engine.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.stats.BurstLog;
import io.ams.proto.v1.Destination;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPayload;

/**
 * An RTP destination host:port. Each destination has its own SSRC, payload type, sequence
 * numbers and random timestamp offset; the payloads are shared with the other destinations
 * (packetized once), only the 12-byte header is written per destination.
 */
public final class UdpSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(UdpSink.class);

    private final String id;
    private final InetSocketAddress target;
    private final long ssrc;
    private final int payloadType;
    private final long timestampOffset;
    private final DatagramChannel channel;   // passed in: owned by the output
    private final String senderHost;         // the host receivers see this destination's packets come from
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(2048);
    private final byte[] header = new byte[12];
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final BurstLog errorLog = new BurstLog(LOG, 5000);
    private int sequence;

    public UdpSink(String id, InetSocketAddress target, long ssrc, int payloadType, DatagramChannel channel,
                   java.util.Random random) {
        this(id, target, ssrc, payloadType, channel, "", random);
    }

    /** {@code senderHost}: the engine's address as the receiver sees it (reported in {@link #describe()}). */
    public UdpSink(String id, InetSocketAddress target, long ssrc, int payloadType, DatagramChannel channel,
                   String senderHost, java.util.Random random) {
        this.id = id;
        this.senderHost = senderHost;
        this.target = target;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.channel = channel;
        this.sequence = random.nextInt(1 << 16);
        this.timestampOffset = random.nextInt() & 0xffffffffL;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean wantsRtp() {
        return true;
    }

    @Override
    public void send(EncodedFrame frame, List<RtpPayload> payloads) {
        long ts = (frame.rtpTimestamp() + timestampOffset) & 0xffffffffL;
        for (RtpPayload p : payloads) {
            RtpHeaderWriter.write(header, 0, p.marker(), payloadType, sequence, ts, ssrc);
            sequence = (sequence + 1) & 0xffff;
            scratch.clear();
            scratch.put(header).put(p.data()).flip();
            int n = scratch.remaining();
            try {
                channel.send(scratch, target);
                packetsSent.incrementAndGet();
                bytesSent.addAndGet(n);
            } catch (IOException | RuntimeException e) {
                errors.incrementAndGet();
                errorLog.warn("destination {} ({}): send failed: {}", id, target, e.toString());
            }
        }
    }

    public long packetsSent() {
        return packetsSent.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public Destination describe() {
        Destination.Builder b = Destination.newBuilder().setId(id).setHost(target.getHostString())
                .setPort(target.getPort()).setSsrc((int) ssrc).setPayloadType(payloadType).setSenderHost(senderHost);
        try {
            if (channel.getLocalAddress() instanceof InetSocketAddress local) {
                b.setSenderPort(local.getPort());
            }
        } catch (IOException | RuntimeException e) {
            // closed: no sender port to report
        }
        return b.build();
    }

    @Override
    public void close() {
        // the channel belongs to the output
    }
}
