package io.ams.engine.ingest;

import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.VideoDecoder;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.stats.BurstLog;
import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.ReorderBuffer;
import io.ams.rtp.RepairWait;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * One participant's video ingress: UDP datagrams -> RTP packets -> reorder buffer ->
 * depacketizer -> decoder -> the room's frame store. Packets of the audio payload type, where the
 * participant sends audio to the same port, go to its {@link io.ams.engine.audio.AudioSource}.
 *
 * <p>Everything runs on the channel's event-loop thread, which owns the reorder buffer,
 * depacketizer and decoder; the decoder is closed on that thread after the channel closes.
 * Media-path rule: nothing here throws. A bad datagram is counted as rejected and logged once
 * per burst.
 *
 * <p>Loss: the reorder buffer holds packets behind a gap for about the uplink's RTT
 * ({@link #setRttHint}, {@link RepairWait}) so that a NACKed retransmission lands in order. A gap
 * still open when that wait expires is a failed repair: the depacketizer drops the incomplete
 * frame and goes on with the frames whose references arrived (VP8), and only when the following
 * frames depend on the lost data does the ingress ask the {@link Listener} for a keyframe (at most
 * one request per 500 ms). A decoder error drops frames until the next keyframe and asks for one.
 */
public final class ParticipantIngress extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(ParticipantIngress.class);
    /** Packets held at most: 400 ms (the longest wait) of a 10 Mbit/s stream of 1200-byte packets. */
    private static final int REORDER_CAPACITY = 512;
    private static final long KEYFRAME_REQUEST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A latched SSRC silent this long gives way to a new one (the sender restarted). */
    private static final long SSRC_TAKEOVER_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Where decoded frames and keyframe requests go; implemented by the room. */
    public interface Listener {
        /** A decoded frame; the listener takes over the caller's reference. */
        void onFrame(String participantId, VideoFrame frame);

        /** The participant must send a keyframe before its video can be decoded again. */
        void onKeyframeNeeded(String participantId, String reason);
    }

    private final String participantId;
    private final VideoCodec codec;
    private final int payloadType;
    private final long requiredSsrc;     // -1: latch the first
    private final SenderPin sender;      // event-loop thread only
    private final Listener listener;
    private final IngressStats stats = new IngressStats();
    private final BurstLog rejectLog = new BurstLog(LOG, 5000);
    private final BurstLog decodeLog = new BurstLog(LOG, 5000);
    private final BurstLog senderLog = new BurstLog(LOG, 5000);

    // owned by the event-loop thread
    private ReorderBuffer reorder = new ReorderBuffer(REORDER_CAPACITY, RepairWait.waitNanos(0));
    private long reorderLostBefore;          // counters of reorder buffers replaced by an SSRC change
    private long reorderReorderedBefore;
    private long reorderLateBefore;
    private boolean sawKeyframe;             // a keyframe came out of the depacketizer (since the SSRC)
    /** Written by the control thread, applied to the reorder buffer on the event loop. */
    private volatile long reorderWaitNanos = RepairWait.waitNanos(0);
    private final Depacketizer depacketizer;
    private VideoDecoder decoder;            // created lazily; closed when the channel closes
    private boolean waitingForKeyframe;      // after a decoder error
    private long lastKeyframeRequestNanos = Long.MIN_VALUE;
    private long lastPacketNanos;
    private ScheduledFuture<?> flushTimer;
    private Channel channel;
    private final java.util.concurrent.CompletableFuture<Void> released = new java.util.concurrent.CompletableFuture<>();
    private int audioPayloadType;            // 0: no audio on this port
    private io.ams.engine.audio.AudioSource audio;

    public ParticipantIngress(String participantId, VideoCodec codec, int payloadType, long requiredSsrc,
                              Listener listener) {
        this(participantId, codec, payloadType, requiredSsrc, SenderPin.latchFirst(), listener);
    }

    /** {@code sender}: where this participant's RTP may come from; datagrams from elsewhere are dropped and counted. */
    public ParticipantIngress(String participantId, VideoCodec codec, int payloadType, long requiredSsrc,
                              SenderPin sender, Listener listener) {
        this.participantId = participantId;
        this.sender = sender;
        this.codec = codec;
        this.payloadType = payloadType;
        this.requiredSsrc = requiredSsrc;
        this.listener = listener;
        this.depacketizer = Depacketizer.forCodec(codec);
        if (requiredSsrc >= 0) {
            stats.latchedSsrc = requiredSsrc;
        }
        stats.reorderWaitMillis = RepairWait.waitMillis(0);
    }

    /**
     * Packets of {@code payloadType} on this port are the participant's Opus audio and go to
     * {@code source} (set before the port is bound).
     */
    public ParticipantIngress withAudio(int payloadType, io.ams.engine.audio.AudioSource source) {
        this.audioPayloadType = payloadType;
        this.audio = source;
        return this;
    }

    /**
     * The uplink's round-trip time as the edge measured it (control thread); the reorder wait
     * follows it ({@link RepairWait}). Values outside 0..{@value RepairWait#MAX_RTT_MILLIS} ms are
     * clamped and counted. Returns the RTT taken.
     */
    public int setRttHint(long rttMillis) {
        int rtt = RepairWait.clampRtt(rttMillis);
        if (rtt != rttMillis) {
            stats.rttHintsClamped.incrementAndGet();
        }
        stats.rttMillis = rtt;
        stats.reorderWaitMillis = RepairWait.waitMillis(rtt);
        reorderWaitNanos = RepairWait.waitNanos(rtt);
        return rtt;
    }

    public IngressStats stats() {
        return stats;
    }

    /** "host:port" the RTP is taken from ("*" for parts not latched yet). */
    public String sender() {
        return sender.describe();
    }

    /** The bound local port (after the channel is registered). */
    public int port() {
        return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Closes the port and returns once the decoder has been freed on the event loop (Netty fires
     * channelInactive after the close future completes, so the close future alone is not enough).
     */
    public void close() {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        try {
            released.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("participant {}: decoder not released within 5 s of closing its port", participantId);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        flushTimer = ctx.executor().scheduleAtFixedRate(this::flushReorder, 20, 20, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (flushTimer != null) {
            flushTimer.cancel(false);
        }
        try {
            if (decoder != null) {
                decoder.close();
                decoder = null;
            }
        } finally {
            released.complete(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        long now = System.nanoTime();
        if (!sender.allows(msg.sender(), mayTakeNewStream(now))) {
            stats.wrongSender.incrementAndGet();
            senderLog.warn("participant {}: datagram from {} dropped: RTP is taken from {} only", participantId,
                    msg.sender(), sender.describe());
            return;
        }
        ByteBuf content = msg.content();
        int len = content.readableBytes();
        byte[] data = new byte[len];
        content.getBytes(content.readerIndex(), data);
        RtpPacket packet;
        try {
            if (!RtpPacket.looksLikeRtp(data, 0, len)) {
                reject(msg, "not an RTP packet (" + len + " bytes, first byte " + (len > 0 ? data[0] & 0xff : -1) + ")");
                return;
            }
            packet = RtpPacket.parse(data, 0, len, now);
        } catch (RtpFormatException e) {
            reject(msg, "malformed RTP: " + e.getMessage());
            return;
        }
        if (audio != null && packet.payloadType() == audioPayloadType) {
            sender.accepted(msg.sender());
            audio.onPacket(packet, data, 0, len, now);
            return;
        }
        if (packet.payloadType() != payloadType) {
            reject(msg, "unexpected payload type " + packet.payloadType() + " (expected " + payloadType + ")");
            return;
        }
        if (!acceptSsrc(packet, now)) {
            reject(msg, "unexpected SSRC " + packet.ssrc() + " (expected " + stats.latchedSsrc + ")");
            return;
        }
        sender.accepted(msg.sender());
        lastPacketNanos = now;
        stats.packets.incrementAndGet();
        stats.bytes.addAndGet(len);
        applyWait();
        reorder.push(packet, this::onOrderedPacket);
        reorderStats();
    }

    private void applyWait() {
        long w = reorderWaitNanos;
        if (reorder.maxWaitNanos() != w) {
            reorder.setMaxWaitNanos(w);
        }
    }

    private void reorderStats() {
        stats.lost = reorderLostBefore + reorder.lost();
        stats.packetsReordered = reorderReorderedBefore + reorder.reordered();
        stats.packetsLate = reorderLateBefore + reorder.late();
    }

    /** Nothing accepted yet, or the stream silent long enough to give way to a new sender (a restart). */
    private boolean mayTakeNewStream(long now) {
        return stats.packets.get() == 0 || now - lastPacketNanos > SSRC_TAKEOVER_NANOS;
    }

    private boolean acceptSsrc(RtpPacket packet, long now) {
        long ssrc = packet.ssrc();
        if (stats.latchedSsrc == ssrc) {
            return true;
        }
        if (requiredSsrc >= 0) {
            return false;
        }
        if (stats.latchedSsrc == -1 || now - lastPacketNanos > SSRC_TAKEOVER_NANOS) {
            if (stats.latchedSsrc != -1) {
                LOG.info("participant {}: SSRC {} silent, switching to new SSRC {}", participantId,
                        stats.latchedSsrc, ssrc);
                reorderLostBefore += reorder.lost();
                reorderReorderedBefore += reorder.reordered();
                reorderLateBefore += reorder.late();
                reorder = new ReorderBuffer(REORDER_CAPACITY, reorderWaitNanos);
                depacketizer.reset();
                sawKeyframe = false;
                waitingForKeyframe = true;
            }
            stats.latchedSsrc = ssrc;
            return true;
        }
        return false;
    }

    private void reject(DatagramPacket msg, String why) {
        stats.rejected.incrementAndGet();
        rejectLog.warn("participant {}: datagram from {} rejected: {}", participantId, msg.sender(), why);
    }

    private void flushReorder() {
        try {
            applyWait();
            reorder.flushExpired(System.nanoTime(), this::onOrderedPacket);
            reorderStats();
        } catch (RuntimeException e) {
            LOG.error("participant {}: reorder flush failed", participantId, e);
        }
    }

    private void onOrderedPacket(RtpPacket packet) {
        long droppedBefore = depacketizer.framesDropped();
        EncodedFrame frame = depacketizer.push(packet);
        EncodedFrame next = frame == null ? null : depacketizer.poll(); // a packet can finish two frames
        stats.framesReceived = depacketizer.framesCompleted();
        long newlyDropped = depacketizer.framesDropped() - droppedBefore;
        if (newlyDropped > 0) {
            stats.framesDropped.addAndGet(newlyDropped);
        }
        stats.framesAcrossLoss = depacketizer.framesDecodableAcrossLoss();
        stats.framesIncomplete = depacketizer.framesIncomplete();
        stats.framesReferenceLost = depacketizer.framesReferenceLost();
        stats.payloadsMalformed = depacketizer.malformed();
        if ((frame != null && frame.keyframe()) || (next != null && next.keyframe())) {
            sawKeyframe = true;
        }
        if (depacketizer.needsKeyframe()) {
            // the gap reached the depacketizer only after the reorder wait expired: repair failed
            requestKeyframe(sawKeyframe ? KeyframeReason.LOSS : KeyframeReason.START,
                    sawKeyframe ? "packet loss: repair failed and the following frames depend on the lost data"
                            : "no keyframe yet");
        }
        if (frame != null) {
            decode(frame);
        }
        if (next != null) {
            decode(next);
        }
    }

    private void decode(EncodedFrame frame) {
        if (waitingForKeyframe) {
            if (!frame.keyframe()) {
                stats.framesDropped.incrementAndGet();
                requestKeyframe(KeyframeReason.DECODER_ERROR, "waiting for a keyframe after a decoder error");
                return;
            }
            waitingForKeyframe = false;
        }
        if (decoder == null) {
            try {
                decoder = VideoDecoder.create(codec);
            } catch (RuntimeException e) {
                decodeLog.warn("participant {}: cannot create {} decoder: {}", participantId, codec, e.getMessage());
                stats.framesDropped.incrementAndGet();
                return;
            }
        }
        long errorsBefore = decoder.decodeErrors();
        VideoFrame picture = decoder.decode(frame);
        if (decoder.decodeErrors() > errorsBefore) {
            stats.decodeErrors.addAndGet(decoder.decodeErrors() - errorsBefore);
            decodeLog.warn("participant {}: {}", participantId, decoder.lastError());
            if (picture == null) {
                stats.framesDropped.incrementAndGet();
                waitingForKeyframe = true;
                requestKeyframe(KeyframeReason.DECODER_ERROR, "decoder error: " + decoder.lastError());
            }
        }
        if (picture != null) {
            stats.framesDecoded.incrementAndGet();
            stats.width = picture.width();
            stats.height = picture.height();
            stats.lastFrameNanos = System.nanoTime();
            listener.onFrame(participantId, picture);
        }
    }

    private enum KeyframeReason { START, LOSS, DECODER_ERROR }

    private void requestKeyframe(KeyframeReason why, String reason) {
        long now = System.nanoTime();
        if (lastKeyframeRequestNanos != Long.MIN_VALUE && now - lastKeyframeRequestNanos < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            return;
        }
        lastKeyframeRequestNanos = now;
        stats.keyframeRequests.incrementAndGet();
        switch (why) {
            case START -> stats.keyframeRequestsStart.incrementAndGet();
            case LOSS -> stats.keyframeRequestsLoss.incrementAndGet();
            case DECODER_ERROR -> stats.keyframeRequestsDecoderError.incrementAndGet();
        }
        listener.onKeyframeNeeded(participantId, reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // never let one participant's failure close its port or touch other participants
        LOG.error("participant {}: unexpected error in ingress", participantId, cause);
    }
}
