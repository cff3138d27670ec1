package io.ams.sfu.room;

import io.ams.sfu.bwe.PaddingPackets;

/**
 * Probe padding on a receiver's mix slot (issue 7 part 3): right after the last packet of a mix frame,
 * padding-only packets with the slot's next sequence numbers and the frame's timestamp, as many as the
 * receiver's estimator asks for ({@code DownlinkBwe.paddingDue}). The mix is the one stream every receiver
 * always gets (also when its main video is paused), and it arrives in order from the engine, so reserving
 * sequence numbers after its newest packet is safe. Runs on the room's mix thread, which alone touches the
 * mix rewriter.
 */
final class MixPadding {
    private static final int PAYLOAD_TYPE = 96;

    private MixPadding() {
    }

    /** Sends the padding due to {@code q} now, using {@code buf} as scratch space; returns the bytes sent. */
    static int afterFrame(Peer q, byte[] buf, long nowNanos) {
        int due = q.bwe.paddingDue(nowNanos);
        if (due <= 0) {
            return 0;
        }
        int packets = (due + PaddingPackets.MAX_PADDING - 1) / PaddingPackets.MAX_PADDING;
        int seq = q.mixRewriter.reservePadding(packets);
        if (seq < 0) {
            return 0;
        }
        long ts = q.mixRewriter.lastOutTimestamp();
        int sent = 0;
        for (int i = 0; i < packets; i++) {
            int pad = Math.min(PaddingPackets.MAX_PADDING, due - sent);
            int n = PaddingPackets.write(buf, q.mixSsrc, PAYLOAD_TYPE, (seq + i) & 0xFFFF, ts, Math.max(1, pad));
            q.media.sendRtp(buf, 0, n);
            sent += Math.max(1, pad);
        }
        return sent;
    }
}
