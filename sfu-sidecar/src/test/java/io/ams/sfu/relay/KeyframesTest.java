package io.ams.sfu.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.VideoCodec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyframesTest {
    /**
     * A VP8 RTP payload starting a frame: the payload descriptor (S=1, partition 0; with {@code x} the
     * X byte and a PictureID of 7 or 15 bits) and the frame header: a 3-byte frame tag (P bit 0 for a
     * keyframe), for a keyframe the start code 9d 01 2a and 16-bit little-endian width and height
     * fields (14 bits of size, the top 2 bits the scaling).
     */
    static byte[] vp8(boolean x, boolean widePictureId, boolean key, int wField, int hField) {
        byte[] b = new byte[32];
        int p = 0;
        b[p++] = (byte) ((x ? 0x80 : 0) | 0x10);
        if (x) {
            b[p++] = (byte) 0x80; // I
            if (widePictureId) {
                b[p++] = (byte) 0x81;
                b[p++] = 0x23;
            } else {
                b[p++] = 0x05;
            }
        }
        b[p] = (byte) (key ? 0x10 : 0x11); // show_frame, P bit
        b[p + 1] = 0x02;
        b[p + 2] = 0x00;
        if (key) {
            b[p + 3] = (byte) 0x9D;
            b[p + 4] = 0x01;
            b[p + 5] = 0x2A;
            b[p + 6] = (byte) wField;
            b[p + 7] = (byte) (wField >>> 8);
            b[p + 8] = (byte) hField;
            b[p + 9] = (byte) (hField >>> 8);
        }
        return Arrays.copyOf(b, p + 10 + 4);
    }

    private static int size(byte[] b) {
        return Keyframes.vp8KeyframeSize(b, 0, b.length);
    }

    @Test
    void keyframeSizeWithoutExtension() {
        assertThat(size(vp8(false, false, true, 1280, 720))).isEqualTo(1280 << 16 | 720);
    }

    @Test
    void keyframeSizeAfterPictureId() {
        assertThat(size(vp8(true, false, true, 640, 360))).isEqualTo(640 << 16 | 360);
        assertThat(size(vp8(true, true, true, 320, 180))).isEqualTo(320 << 16 | 180);
    }

    @Test
    void scalingBitsAreMasked() {
        assertThat(size(vp8(true, true, true, 0xC000 | 1920, 0x4000 | 1080))).isEqualTo(1920 << 16 | 1080);
        assertThat(size(vp8(false, false, true, 0x3FFF, 0x3FFF))).isEqualTo(0x3FFF << 16 | 0x3FFF);
    }

    @Test
    void sizeAtAnOffset() {
        byte[] p = vp8(true, true, true, 640, 360);
        byte[] b = new byte[p.length + 7];
        System.arraycopy(p, 0, b, 5, p.length);
        assertThat(Keyframes.vp8KeyframeSize(b, 5, p.length)).isEqualTo(640 << 16 | 360);
    }

    @Test
    void interframeHasNoSize() {
        byte[] inter = vp8(true, true, false, 0, 0);
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, inter, 0, inter.length)).isFalse();
        assertThat(size(inter)).isEqualTo(-1);
    }

    @Test
    void wrongStartCodeHasNoSize() {
        byte[] b = vp8(false, false, true, 640, 360);
        b[1 + 4] = 0x02;
        assertThat(size(b)).isEqualTo(-1);
    }

    @Test
    void notTheFirstPacketOfTheFrameHasNoSize() {
        byte[] b = vp8(false, false, true, 640, 360);
        b[0] &= ~0x10; // S = 0
        assertThat(size(b)).isEqualTo(-1);
    }

    @Test
    void truncatedKeyframeHasNoSize() {
        byte[] full = vp8(true, true, true, 640, 360);
        int headerEnd = 4 + 10; // descriptor 4 bytes, frame header 10
        assertThat(Keyframes.vp8KeyframeSize(full, 0, headerEnd)).isEqualTo(640 << 16 | 360);
        for (int len = 0; len < headerEnd; len++) {
            assertThat(Keyframes.vp8KeyframeSize(full, 0, len)).as("length " + len).isEqualTo(-1);
        }
    }

    @Test
    void isKeyframeStartAgreesOnTheKeyframe() {
        byte[] key = vp8(true, true, true, 640, 360);
        assertThat(Keyframes.isKeyframeStart(VideoCodec.VP8, key, 0, key.length)).isTrue();
    }
}
