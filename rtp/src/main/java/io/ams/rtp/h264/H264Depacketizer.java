package io.ams.rtp.h264;

import io.ams.rtp.FrameAssembler;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

import java.util.Arrays;

/**
 * H.264 depacketizer (RFC 6184, packetization-mode 1): single NAL unit packets (types 1-23),
 * STAP-A (24) and FU-A (28). STAP-B, MTAP16/24 and FU-B are not allowed in mode 1 and count as
 * malformed, as do the reserved types 0, 30, 31. Output is Annex B with 4-byte start codes, one
 * access unit per frame; keyframe = the access unit contains an IDR slice (NAL type 5).
 *
 * <p>Parameter sets: the last SPS (7) and PPS (8) seen are kept. An access unit with an IDR slice
 * but without SPS or PPS gets the kept ones inserted right before its first IDR slice, because
 * browsers sometimes send the parameter sets only once or in packets of their own, and a decoder
 * that joins at this keyframe needs them. An access unit holding only parameter sets, SEI or
 * access unit delimiters (no slice) is kept that way and not handed out as a frame. Only one
 * SPS and one PPS are kept (senders that use several ids are not catered for).
 *
 * <p>H.264 does not show whether a packet is the first of an access unit, so a frame that
 * follows a sequence gap is dropped (it may have lost its first NAL units).
 */
public final class H264Depacketizer extends FrameAssembler {
    private static final int MAX_NALS = 1024;

    /** Offsets (in the frame buffer) of each NAL unit header of the current access unit. */
    private final int[] nalStarts = new int[MAX_NALS];
    private int nalCount;
    private boolean inFragment;
    private boolean keyframe;

    private byte[] lastSps;
    private byte[] lastPps;

    public H264Depacketizer() {
        super(VideoCodec.H264, false);
    }

    @Override
    protected void startFrame() {
        nalCount = 0;
        inFragment = false;
        keyframe = false;
    }

    @Override
    protected int appendPayload(RtpPacket p, boolean firstPacket) {
        byte[] b = p.buffer();
        int pos = p.payloadOffset();
        int end = pos + p.payloadLength();
        int header = b[pos] & 0xFF;
        if ((header & 0x80) != 0) {
            return MALFORMED; // forbidden_zero_bit
        }
        int type = header & 0x1F;
        if (type >= 1 && type <= 23) {
            if (inFragment) {
                return MALFORMED; // FU-A not ended
            }
            return addNal(b, pos, end - pos) ? APPENDED : MALFORMED;
        }
        if (type == 24) { // STAP-A
            if (inFragment) {
                return MALFORMED;
            }
            pos++;
            if (pos == end) {
                return MALFORMED;
            }
            while (pos < end) {
                if (end - pos < 2) {
                    return MALFORMED;
                }
                int size = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
                pos += 2;
                if (size == 0 || size > end - pos || !addNal(b, pos, size)) {
                    return MALFORMED;
                }
                pos += size;
            }
            return APPENDED;
        }
        if (type == 28) { // FU-A
            if (end - pos < 3) {
                return MALFORMED;
            }
            int fu = b[pos + 1] & 0xFF;
            boolean start = (fu & 0x80) != 0;
            boolean last = (fu & 0x40) != 0;
            int nalType = fu & 0x1F;
            if (start) {
                if (inFragment) {
                    return MALFORMED;
                }
                if (!beginNal((header & 0xE0) | nalType)) {
                    return MALFORMED;
                }
                inFragment = true;
            } else if (!inFragment) {
                return firstPacket ? NOT_A_FRAME_START : MALFORMED;
            }
            write(b, pos + 2, end - pos - 2);
            if (last) {
                inFragment = false;
            }
            return APPENDED;
        }
        return MALFORMED; // 0, 25 STAP-B, 26/27 MTAP, 29 FU-B, 30, 31
    }

    private boolean addNal(byte[] b, int off, int len) {
        if (!beginNal(b[off] & 0xFF)) {
            return false;
        }
        write(b, off + 1, len - 1);
        return true;
    }

    private boolean beginNal(int header) {
        if ((header & 0x80) != 0 || (header & 0x1F) == 0 || (header & 0x1F) >= 24 || nalCount == MAX_NALS) {
            return false;
        }
        write(0);
        write(0);
        write(0);
        write(1);
        nalStarts[nalCount++] = frameLength();
        write(header);
        if ((header & 0x1F) == 5) {
            keyframe = true;
        }
        return true;
    }

    @Override
    protected byte[] finishFrame(byte[] buf, int length) {
        if (inFragment) {
            return null; // the last FU-A never ended
        }
        boolean hasSps = false;
        boolean hasPps = false;
        boolean hasSlice = false;
        int firstIdr = -1;
        for (int i = 0; i < nalCount; i++) {
            int start = nalStarts[i];
            int end = i + 1 < nalCount ? nalStarts[i + 1] - 4 : length;
            int type = buf[start] & 0x1F;
            if (type == 7) {
                hasSps = true;
                lastSps = Arrays.copyOfRange(buf, start, end);
            } else if (type == 8) {
                hasPps = true;
                lastPps = Arrays.copyOfRange(buf, start, end);
            } else if (type >= 1 && type <= 5) {
                hasSlice = true;
                if (type == 5 && firstIdr < 0) {
                    firstIdr = start - 4;
                }
            }
        }
        if (!hasSlice) {
            return new byte[0];
        }
        byte[] sps = !hasSps && lastSps != null ? lastSps : null;
        byte[] pps = !hasPps && lastPps != null ? lastPps : null;
        if (firstIdr < 0 || (sps == null && pps == null)) {
            return Arrays.copyOf(buf, length);
        }
        int extra = (sps == null ? 0 : 4 + sps.length) + (pps == null ? 0 : 4 + pps.length);
        byte[] out = new byte[length + extra];
        System.arraycopy(buf, 0, out, 0, firstIdr);
        int at = firstIdr;
        at = putNal(out, at, sps);
        at = putNal(out, at, pps);
        System.arraycopy(buf, firstIdr, out, at, length - firstIdr);
        return out;
    }

    private static int putNal(byte[] out, int at, byte[] nal) {
        if (nal == null) {
            return at;
        }
        out[at + 3] = 1;
        System.arraycopy(nal, 0, out, at + 4, nal.length);
        return at + 4 + nal.length;
    }

    @Override
    protected boolean isKeyframe() {
        return keyframe;
    }
}
