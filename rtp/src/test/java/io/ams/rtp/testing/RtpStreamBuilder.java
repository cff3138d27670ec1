package io.ams.rtp.testing;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.RtpPayload;

import java.util.ArrayList;
import java.util.List;

/** Builds RTP datagrams from frames with a {@link Packetizer}, the way an egress does (for tests). */
public final class RtpStreamBuilder {
    private RtpStreamBuilder() {
    }

    /** Datagrams for {@code frames}: sequence numbers from {@code firstSeq} (wrapping), the frames' timestamps. */
    public static List<byte[]> datagrams(List<EncodedFrame> frames, Packetizer packetizer, int payloadType, long ssrc, int firstSeq) {
        List<byte[]> out = new ArrayList<>();
        int seq = firstSeq;
        for (EncodedFrame f : frames) {
            for (RtpPayload p : packetizer.packetize(f)) {
                byte[] d = new byte[12 + p.data().length];
                RtpHeaderWriter.write(d, 0, p.marker(), payloadType, seq & 0xFFFF, f.rtpTimestamp(), ssrc);
                System.arraycopy(p.data(), 0, d, 12, p.data().length);
                out.add(d);
                seq++;
            }
        }
        return out;
    }
}
