package io.ams.sfu.room;

import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.relay.NackTracker;
import io.ams.sfu.relay.TwccFeedback;
import java.util.List;

/**
 * The feedback a room sends each participant about its uplink on every tick: NACKs for the camera
 * packets still missing (per layer), and transport-cc feedback for the send-side estimator of the
 * participant's browser.
 */
final class UplinkFeedback {
    private UplinkFeedback() {
    }

    /** Sends {@code p} a NACK per camera layer with packets missing; returns the worst uplink RTT measured (-1 unknown). */
    static int sendNacks(Peer p, long ourSsrc, long nowNanos) {
        int uplinkRtt = -1;
        for (CameraLayer layer : p.camera.all()) {
            NackTracker loss = layer.loss();
            long lossSsrc = layer.ssrc();
            if (lossSsrc == 0) {
                continue;
            }
            byte[] nack;
            int rtt;
            synchronized (loss) {
                nack = loss.missingCount() == 0 ? null : loss.buildNack(ourSsrc, lossSsrc, nowNanos);
                rtt = loss.rttMillis();
            }
            if (nack != null) {
                p.media.sendRtcp(nack, 0, nack.length);
                p.nacksSent.incrementAndGet();
            }
            uplinkRtt = Math.max(uplinkRtt, rtt); // the layers share one uplink: take the worst measured
        }
        return uplinkRtt;
    }

    /** Sends {@code p} the transport-cc feedback that is due. */
    static void sendTransportCc(Peer p, long nowNanos) {
        TwccFeedback twcc = p.twcc;
        if (twcc == null) {
            return;
        }
        List<byte[]> fbs;
        synchronized (twcc) {
            fbs = twcc.poll(nowNanos);
        }
        for (byte[] fb : fbs) {
            p.media.sendRtcp(fb, 0, fb.length);
        }
    }
}
