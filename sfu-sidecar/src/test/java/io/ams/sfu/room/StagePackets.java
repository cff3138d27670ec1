package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.transport.MediaSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the relay stage tests feed and read back: RTP packets as browsers send them (VP8 with rid, RTX
 * with repaired-rid, Opus with an audio level) and a {@link MediaSink} that keeps what a stage sent.
 */
final class StagePackets {
    private StagePackets() {
    }

    /** Everything sent to one participant, in order. */
    static final class Sent implements MediaSink {
        final List<byte[]> rtp = new CopyOnWriteArrayList<>();
        final List<byte[]> rtcp = new CopyOnWriteArrayList<>();

        @Override
        public boolean sendRtp(byte[] b, int off, int len) {
            rtp.add(Arrays.copyOfRange(b, off, off + len));
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] b, int off, int len) {
            rtcp.add(Arrays.copyOfRange(b, off, off + len));
            return true;
        }

        List<RtpPacket> rtpPackets() {
            List<RtpPacket> out = new ArrayList<>();
            for (byte[] b : rtp) {
                out.add(parse(b));
            }
            return out;
        }

        /** Every NACK sent, as the RTCP parser reads it. */
        List<RtcpPacket.Nack> nacks() throws RtpFormatException {
            List<RtcpPacket.Nack> out = new ArrayList<>();
            for (byte[] b : rtcp) {
                for (RtcpPacket r : RtcpParser.parse(b, 0, b.length)) {
                    if (r instanceof RtcpPacket.Nack n) {
                        out.add(n);
                    }
                }
            }
            return out;
        }
    }

    /** A peer whose media goes to a {@link Sent}, no transport. */
    static Peer peer(String id) {
        return new Peer(id, id, new TestPeers.RecordingChannel(), null, new Sent(), 1, SfuRoom.randomSsrc(),
                SfuRoom.randomSsrc(), SfuRoom.randomSsrc(), ssrc -> { }, ssrc -> { });
    }

    static Sent sent(Peer p) {
        return (Sent) p.media;
    }

    static RtpPacket parse(byte[] b) {
        try {
            return RtpPacket.parse(b, 0, b.length);
        } catch (RtpFormatException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A VP8 packet; a keyframe start carries the RFC 6386 frame header with {@code width}x{@code height}.
     * {@code extId}/{@code extValue}: one one-byte header extension (rid), or 0/null for none.
     */
    static byte[] vp8(long ssrc, int seq, long ts, boolean keyframe, int width, int height, int extId, String extValue) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(0x10); // VP8 descriptor: start of partition 0
        if (keyframe) {
            payload.writeBytes(new byte[] {0x00, 0x00, 0x00, (byte) 0x9D, 0x01, 0x2A,
                    (byte) width, (byte) (width >> 8), (byte) height, (byte) (height >> 8)});
        } else {
            payload.writeBytes(new byte[] {0x01, 0x00, 0x00});
        }
        payload.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        return rtp(96, true, ssrc, seq, ts, extId, extValue == null ? null : extValue.getBytes(StandardCharsets.US_ASCII),
                payload.toByteArray());
    }

    /** An RTX packet (RFC 4588) repairing {@code osn} of the stream whose packet was {@code original}. */
    static byte[] rtx(long rtxSsrc, int seq, int osn, byte[] original, int extId, String repairedRid) {
        RtpPacket o = parse(original);
        byte[] payload = new byte[2 + o.payloadLength()];
        payload[0] = (byte) (osn >>> 8);
        payload[1] = (byte) osn;
        System.arraycopy(original, o.payloadOffset(), payload, 2, o.payloadLength());
        return rtp(97, o.marker(), rtxSsrc, seq, o.timestamp(), extId,
                repairedRid == null ? null : repairedRid.getBytes(StandardCharsets.US_ASCII), payload);
    }

    /** An Opus packet with an RFC 6464 level extension ({@code extId} 0: none). */
    static byte[] opus(long ssrc, int seq, long ts, int extId, int level, boolean voice) {
        return rtp(111, false, ssrc, seq, ts, extId, extId == 0 ? null : new byte[] {(byte) ((voice ? 0x80 : 0) | level)},
                new byte[] {(byte) 0xFC, 1, 2, 3, 4, 5});
    }

    static byte[] rtp(int pt, boolean marker, long ssrc, int seq, long ts, int extId, byte[] extValue, byte[] payload) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        boolean ext = extId > 0 && extValue != null;
        o.write(0x80 | (ext ? 0x10 : 0));
        o.write((marker ? 0x80 : 0) | pt);
        o.write(seq >>> 8);
        o.write(seq);
        writeInt(o, ts);
        writeInt(o, ssrc);
        if (ext) {
            int words = (1 + extValue.length + 3) / 4;
            o.write(0xBE);
            o.write(0xDE);
            o.write(words >>> 8);
            o.write(words);
            o.write(extId << 4 | (extValue.length - 1));
            o.writeBytes(extValue);
            for (int i = 1 + extValue.length; i < words * 4; i++) {
                o.write(0);
            }
        }
        o.writeBytes(payload);
        return o.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream o, long v) {
        o.write((int) (v >>> 24));
        o.write((int) (v >>> 16));
        o.write((int) (v >>> 8));
        o.write((int) v);
    }
}
