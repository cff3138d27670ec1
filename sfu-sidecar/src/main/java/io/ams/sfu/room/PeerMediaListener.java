package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.ext.TransportSequenceNumber;
import io.ams.sfu.relay.StreamRewriter;
import io.ams.sfu.relay.TwccFeedback;
import io.ams.sfu.sdp.OfferBuilder;
import io.ams.sfu.transport.PeerTransport;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one participant's transport delivers, on its receive thread: transport-cc arrival times for the
 * feedback, then each RTP packet to its path (the microphone's {@link AudioReceiver}, the camera's
 * {@link CameraReceiver}), RTCP to {@link RtcpReceiver}; the transport's state changes (ready: a fresh
 * keyframe for its main slot and {@code onReady}; failed: the session ends).
 */
final class PeerMediaListener implements PeerTransport.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SfuRoom.class);

    private final String roomId;
    private final Peer p;
    private final HeaderExtensions ext = new HeaderExtensions();
    private final CameraReceiver camera;
    private final AudioReceiver audio;
    private final RtcpReceiver rtcp;
    private final Runnable onReady;
    private PeerTransport.State last = PeerTransport.State.NEW; // onState is called one at a time, in order

    PeerMediaListener(String roomId, Peer p, CameraReceiver camera, AudioReceiver audio, RtcpReceiver rtcp, Runnable onReady) {
        this.roomId = roomId;
        this.p = p;
        this.camera = camera;
        this.audio = audio;
        this.rtcp = rtcp;
        this.onReady = onReady;
    }

    @Override
    public void onState(PeerTransport.State s, String reason) {
        PeerTransport.State before = last;
        last = s;
        LOG.info("room '{}': {} transport {}{}", roomId, p, s, reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
        if (s == PeerTransport.State.READY) {
            // the new receiver needs a picture now: keyframes of its main source and of the mix
            // whatever was relayed before the transport was ready is lost (sends dropped), so the main slot
            // starts again at a fresh keyframe; while it waits the rewriter re-asks every 500 ms, so a request
            // swallowed by the PLI rate limit (or a lost PLI) cannot leave this receiver without a picture
            long now = System.nanoTime();
            synchronized (p.mainRewriter) {
                long src = p.mainRewriter.pendingSource() != StreamRewriter.NONE ? p.mainRewriter.pendingSource()
                        : p.mainRewriter.currentSource();
                if (src != StreamRewriter.NONE) {
                    p.mainRewriter.stop();
                    p.mainRewriter.switchTo(src, now);
                }
            }
            onReady.run();
        } else if (s == PeerTransport.State.FAILED) {
            if (before != PeerTransport.State.READY) {
                p.setupFailedIn = before; // a join that never got media: ICE (NEW, CHECKING) or DTLS (CONNECTED) failed
            }
            p.channel.error("connection_failed", "the media connection failed: " + reason);
            p.channel.bye("media connection failed"); // closes the session: the registry then removes the peer
        }
    }

    @Override
    public void onRtp(byte[] b, int off, int len) {
        RtpPacket pkt;
        try {
            pkt = RtpPacket.parse(b, off, len);
        } catch (RtpFormatException e) {
            p.rtpDropped.incrementAndGet();
            return;
        }
        p.rtpIn.incrementAndGet();
        long ssrc = pkt.ssrc();
        int pt = pkt.payloadType();
        TwccFeedback twcc = p.twcc;
        if (twcc == null && p.twccExtId > 0) {
            // the feedback names one of the sender's own SSRCs as media source (Chrome drops it otherwise);
            // under simulcast none is announced, so the first packet's SSRC is taken
            twcc = new TwccFeedback(SfuRoom.SFU_SSRC, ssrc, TimeUnit.MILLISECONDS.toNanos(100));
            p.twcc = twcc; // this peer's receive thread only
        }
        if (twcc != null) {
            try {
                if (ext.wrap(b, off, len)) {
                    int seq = TransportSequenceNumber.read(ext, p.twccExtId);
                    if (seq >= 0) {
                        synchronized (twcc) {
                            twcc.onPacket(seq, System.nanoTime());
                        }
                    }
                }
            } catch (RtpFormatException e) {
                p.rtpDropped.incrementAndGet();
                return;
            }
        }
        if (ssrc == p.micSsrc || p.micSsrc == 0 && pt == OfferBuilder.OPUS_PT) {
            p.micSsrc = ssrc;
            audio.onPacket(pkt, b, off, len);
        } else if (pt == OfferBuilder.VP8_PT || pt == OfferBuilder.RTX_PT) {
            camera.onPacket(pkt, b, off, len);
        } else {
            p.rtpDropped.incrementAndGet();
        }
    }

    @Override
    public void onRtcp(byte[] b, int off, int len) {
        rtcp.onRtcp(b, off, len);
    }
}
