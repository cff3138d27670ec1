package io.ams.rtp.vp8;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpPayload;

import java.util.ArrayList;
import java.util.List;

/**
 * VP8 packetizer (RFC 7741). Each payload starts with a 4-byte descriptor: X=1, S=1 on the first
 * packet of the frame, PID=0, I=1 with a 15-bit PictureID that increments per frame and wraps.
 * The frame is split into packets of nearly equal size; the last one carries the marker.
 */
public final class Vp8Packetizer implements Packetizer {
    private static final int DESCRIPTOR = 4;
    private static final int MIN_PAYLOAD = DESCRIPTOR + 1;

    private final int maxPayload;
    private int pictureId;

    public Vp8Packetizer() {
        this(DEFAULT_MAX_PAYLOAD);
    }

    public Vp8Packetizer(int maxPayload) {
        this(maxPayload, 0);
    }

    /** @param firstPictureId the PictureID of the first frame (0..32767) */
    public Vp8Packetizer(int maxPayload, int firstPictureId) {
        if (maxPayload < MIN_PAYLOAD) {
            throw new IllegalArgumentException("maxPayload " + maxPayload + " < " + MIN_PAYLOAD);
        }
        this.maxPayload = maxPayload;
        this.pictureId = firstPictureId & 0x7FFF;
    }

    @Override
    public List<RtpPayload> packetize(EncodedFrame frame) {
        byte[] data = frame.data();
        int total = data.length;
        if (total == 0) {
            return List.of();
        }
        int room = maxPayload - DESCRIPTOR;
        int packets = (total + room - 1) / room;
        List<RtpPayload> out = new ArrayList<>(packets);
        int pos = 0;
        for (int i = 0; i < packets; i++) {
            int size = (total - pos) / (packets - i) + ((total - pos) % (packets - i) == 0 ? 0 : 1);
            byte[] payload = new byte[DESCRIPTOR + size];
            payload[0] = (byte) (i == 0 ? 0x90 : 0x80); // X, S on the first packet, PID 0
            payload[1] = (byte) 0x80;                    // I
            payload[2] = (byte) (0x80 | (pictureId >>> 8)); // M: 15-bit PictureID
            payload[3] = (byte) pictureId;
            System.arraycopy(data, pos, payload, DESCRIPTOR, size);
            pos += size;
            out.add(new RtpPayload(payload, i == packets - 1));
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        return out;
    }

    /** The PictureID the next frame will carry. */
    public int nextPictureId() {
        return pictureId;
    }
}
