package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.sfu.bwe.BurstLog;
import io.ams.sfu.sdp.OfferBuilder;
import io.ams.sfu.quality.StreamKind;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mix path of one room, on its own thread: the engine's plain RTP arrives on a UDP socket and goes to
 * every receiver, the stages in order
 * <pre>
 *   receive   datagrams only from the engine's sending address (MixSource); not RTP: counted, dropped
 *   demux     by payload type: 96 the mix video (below), 111 mixed audio (MixedAudioIn, by SSRC to its receiver);
 *             any other: counted, dropped, logged once per burst
 *   rewrite   per receiver into its mix slot (its own SSRC and numbering; a new engine SSRC starts at a keyframe)
 *   send      to the receiver's transport, kept in its mix cache for NACKs, counted for its downlink quality
 *   probe     padding after a frame's last packet while the receiver's estimator probes (MixPadding)
 * </pre>
 * This thread alone touches the mix rewriters.
 */
final class MixReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MixReceiver.class);

    private final String roomId;
    private final Supplier<Peer[]> peers;
    private final DatagramSocket socket;
    private final Thread thread;
    private final MixSource source = new MixSource();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong wrongPayloadType = new AtomicLong();
    private final BurstLog wrongPtLog = new BurstLog(LOG); // mix thread only
    private final MixedAudioIn audio;
    private volatile long lastPacketMillis;
    private volatile boolean closed;

    MixReceiver(String roomId, InetAddress bind, Supplier<Peer[]> peers, MixedAudioIn audio) throws SocketException {
        this.roomId = roomId;
        this.peers = peers;
        this.audio = audio;
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.socket.setReceiveBufferSize(1 << 20);
        this.thread = new Thread(this::run, "mix-in-" + roomId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Where the engine must send the mix. */
    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The engine's output sends from {@code sender}: only that address is accepted from now on. */
    void expect(InetSocketAddress sender) {
        source.expect(sender);
    }

    long packets() {
        return packets.get();
    }

    /** Datagrams that were not RTP. */
    long dropped() {
        return dropped.get();
    }

    /** RTP with neither the video's nor the audio's payload type. */
    long wrongPayloadType() {
        return wrongPayloadType.get();
    }

    long wrongSender() {
        return source.wrongSender();
    }

    String sender() {
        return source.describe();
    }

    long lastPacketMillis() {
        return lastPacketMillis;
    }

    private void run() {
        byte[] buf = new byte[2048];
        byte[] out = new byte[2048 + 16];
        DatagramPacket dp = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                dp.setLength(buf.length);
                socket.receive(dp);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("room '{}': mix socket failed: {}", roomId, e.toString());
                }
                return;
            }
            if (!source.accepts((InetSocketAddress) dp.getSocketAddress())) {
                if (source.logNow(System.currentTimeMillis())) {
                    LOG.warn("room '{}': datagram from {} on the mix socket dropped: the mix is taken from {} only", roomId,
                            dp.getSocketAddress(), source.describe().isEmpty() ? "(engine not answered yet)" : source.describe());
                }
                continue;
            }
            RtpPacket pkt;
            try {
                pkt = RtpPacket.parse(buf, 0, dp.getLength());
            } catch (RtpFormatException e) {
                dropped.incrementAndGet();
                continue;
            }
            if (pkt.payloadType() == OfferBuilder.OPUS_PT) {
                audio.onPacket(pkt, peers.get(), System.nanoTime());
                continue;
            }
            if (pkt.payloadType() != OfferBuilder.VP8_PT) {
                wrongPayloadType.incrementAndGet();
                wrongPtLog.warn(System.currentTimeMillis(), "room '{}': RTP with payload type {} on the mix socket dropped: "
                        + "the engine sends the mix as {} and mixed audio as {}", roomId, pkt.payloadType(), OfferBuilder.VP8_PT,
                        OfferBuilder.OPUS_PT);
                continue;
            }
            packets.incrementAndGet();
            lastPacketMillis = System.currentTimeMillis();
            forward(pkt, out, System.nanoTime());
        }
    }

    private void forward(RtpPacket pkt, byte[] out, long now) {
        for (Peer q : peers.get()) {
            if (q.screen()) {
                continue; // a screen share receives nothing
            }
            int n;
            synchronized (q.mixRewriter) {
                if (q.mixRewriter.currentSource() != pkt.ssrc() && q.mixRewriter.pendingSource() != pkt.ssrc()) {
                    q.mixRewriter.switchTo(pkt.ssrc(), now); // first packet, or a re-created engine room: wait for its keyframe
                }
                n = q.mixRewriter.rewrite(pkt, now, out, 0);
            }
            if (n > 0) {
                q.mixCache.put(out, 0, n, now);
                if (q.media.sendRtp(out, 0, n)) {
                    q.quality.onSent(StreamKind.MIX, out, 0, n, now);
                }
                if (pkt.marker()) {
                    MixPadding.afterFrame(q, out, now); // probe padding, when q's estimator probes
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
