package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.quality.StreamKind;
import io.ams.sfu.relay.Keyframes;
import io.ams.sfu.relay.NackTracker;
import io.ams.sfu.relay.Rtx;
import io.ams.sfu.sdp.OfferBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * The camera path of one participant, on its receive thread: the stages in order
 * <pre>
 *   receive   RTX unwrap (repair stream -> original packet), padding probes counted and dropped
 *   latch     packet -> layer (rid extension, announced or first SSRC), layer size from keyframes
 *   repair    gaps NACKed back to the sender per layer, keyframe asked for when a gap is too large
 *   engine    the layer the mix tile needs, rewritten into one continuous stream -> engine (plain RTP)
 *   relay     the layer each receiver's main slot takes, rewritten per receiver -> its transport
 * </pre>
 * Which layer the engine and each receiver take is decided elsewhere (the room's timer switches the
 * rewriters); here a packet only goes where a rewriter expects its SSRC. The media path never throws:
 * what cannot be used is dropped and counted on the peer.
 */
final class CameraReceiver {
    /** What the camera path needs from its room. */
    interface Room {
        Peer[] peers();

        InetSocketAddress engineRoute(Peer p);

        void sendToEngine(DatagramPacket dp) throws IOException;

        void requestKeyframe(Peer src, CameraLayer layer);

        /** A layer got its first SSRC (or a new one): layer choices should be made again. */
        void layersChanged(Peer p);
    }

    private final Peer p;
    private final Room room;
    private final LongSupplier clock;
    private final HeaderExtensions ext = new HeaderExtensions();
    // scratch space of this peer's receive thread: the cache and the transport copy what they keep
    private final byte[] rtxBuf = new byte[2048];
    private final byte[] plainBuf = new byte[2048];
    private final byte[] outBuf = new byte[2048 + 16];
    private final DatagramPacket toEngine = new DatagramPacket(new byte[0], 0);

    CameraReceiver(Peer p, Room room, LongSupplier clock) {
        this.p = p;
        this.room = room;
        this.clock = clock;
    }

    /** A video packet (VP8 or RTX payload type) from this participant; extensions still in place. */
    void onPacket(RtpPacket pkt, byte[] b, int off, int len) {
        long now = clock.getAsLong();
        CameraLayer layer;
        if (pkt.payloadType() == OfferBuilder.RTX_PT) {
            layer = p.camera.byRtxSsrc(pkt.ssrc());
            if (layer == null) {
                layer = p.camera.latchRtx(pkt.ssrc(), readRid(b, off, len, p.repairedRidExtId));
            }
            if (layer == null || layer.ssrc() == 0) {
                p.rtxUnknown.incrementAndGet();
                p.rtpDropped.incrementAndGet();
                return;
            }
            int n = Rtx.unwrap(pkt, layer.ssrc(), OfferBuilder.VP8_PT, rtxBuf);
            if (n == 0) {
                p.paddingIn.incrementAndGet();
                return;
            }
            try {
                pkt = RtpPacket.parse(rtxBuf, 0, Math.max(n, 0));
            } catch (RtpFormatException e) {
                p.rtpDropped.incrementAndGet();
                return;
            }
            b = rtxBuf;
            off = 0;
            len = n;
        } else {
            layer = p.camera.bySsrc(pkt.ssrc());
            if (layer == null) {
                layer = p.camera.latch(pkt.ssrc(), readRid(b, off, len, p.ridExtId), now);
                if (layer == null) {
                    p.rtpDropped.incrementAndGet();
                    return;
                }
                room.layersChanged(p);
            }
        }
        // connection quality sees repairs as late arrivals on the media SSRC, as without RTX (it adds them back as loss)
        p.quality.onUplink(true, pkt.ssrc(), pkt.sequenceNumber(), pkt.timestamp(), pkt.payloadLength(), now);
        layer.onPacket(len, now);
        trackLoss(layer, pkt, now);
        if (pkt.payloadLength() == 0) {
            p.paddingIn.incrementAndGet(); // a padding-only probe on the media SSRC (counted in the numbers above)
            return;
        }
        int size = Keyframes.vp8KeyframeSize(b, pkt.payloadOffset(), pkt.payloadLength());
        if (size > 0) {
            layer.onKeyframe(size >>> 16, size & 0xFFFF);
        }
        int n = PacketEdits.forwardInto(b, off, pkt.payloadOffset(), pkt.payloadLength(), pkt.ssrc(), plainBuf);
        RtpPacket plain;
        try {
            plain = RtpPacket.parse(plainBuf, 0, Math.max(n, 0));
        } catch (RtpFormatException e) {
            p.rtpDropped.incrementAndGet();
            return;
        }
        toEngine(plain, now);
        relay(plain, now);
    }

    private void toEngine(RtpPacket plain, long now) {
        InetSocketAddress route = room.engineRoute(p);
        if (route == null) {
            return;
        }
        long ssrc = plain.ssrc();
        int n;
        synchronized (p.engineRewriter) {
            if (p.engineRewriter.currentSource() != ssrc && p.engineRewriter.pendingSource() != ssrc) {
                return;
            }
            n = p.engineRewriter.rewrite(plain, now, outBuf, 0);
        }
        if (n > 0) {
            try {
                toEngine.setData(outBuf, 0, n);
                toEngine.setSocketAddress(route);
                room.sendToEngine(toEngine);
            } catch (IOException e) {
                p.rtpDropped.incrementAndGet();
            }
        }
    }

    private void relay(RtpPacket plain, long now) {
        long ssrc = plain.ssrc();
        for (Peer q : room.peers()) {
            if (q == p) {
                continue;
            }
            int n;
            synchronized (q.mainRewriter) { // the lane may switch q's source at any time: check and rewrite as one
                if (q.mainRewriter.currentSource() != ssrc && q.mainRewriter.pendingSource() != ssrc) {
                    continue;
                }
                n = q.mainRewriter.rewrite(plain, now, outBuf, 0);
            }
            if (n > 0) {
                q.mainCache.put(outBuf, 0, n, now);
                if (q.media.sendRtp(outBuf, 0, n)) {
                    p.forwarded.incrementAndGet();
                    q.quality.onRelayed(StreamKind.MAIN, outBuf, 0, n, now, p.quality.senderClock(), ssrc,
                            plain.timestamp(), p.cname());
                }
            }
        }
    }

    /**
     * Uplink repair: a gap in a layer's sequence numbers is NACKed back to the sender at once, so the
     * engine and every receiver of the relay get the packet before their decoders need it. Retries come
     * from the room timer; a gap too large to repair asks for a keyframe instead.
     */
    private void trackLoss(CameraLayer layer, RtpPacket pkt, long now) {
        NackTracker loss = layer.loss();
        byte[] nack = null;
        boolean keyframe;
        synchronized (loss) {
            loss.onPacket(pkt.sequenceNumber(), now);
            if (loss.missingCount() > 0) {
                nack = loss.buildNack(SfuRoom.SFU_SSRC, layer.ssrc(), now);
            }
            keyframe = loss.takeKeyframeRequest();
        }
        if (nack != null) {
            p.media.sendRtcp(nack, 0, nack.length);
            p.nacksSent.incrementAndGet();
        }
        if (keyframe) {
            room.requestKeyframe(p, layer);
        }
    }

    /** The rid (or repaired rid) extension's value, or null; only read for packets on an SSRC not latched yet. */
    private String readRid(byte[] b, int off, int len, int extId) {
        if (extId <= 0) {
            return null;
        }
        try {
            if (ext.wrap(b, off, len) && ext.find(extId) && ext.valueLength() > 0 && ext.valueLength() <= 16) {
                return new String(ext.buffer(), ext.valueOffset(), ext.valueLength(), StandardCharsets.US_ASCII);
            }
        } catch (RtpFormatException e) {
            p.rtpDropped.incrementAndGet();
        }
        return null;
    }
}
