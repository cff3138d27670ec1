package io.ams.engine.audio;

/** What an Opus packet's table-of-contents byte says (RFC 6716 section 3.1). */
public final class OpusPackets {
    private OpusPackets() {
    }

    /**
     * The 48 kHz samples {@code payload} decodes to, from its TOC byte (and the frame count byte of a
     * code-3 packet); -1 where the packet is too short or longer than 120 ms, which RFC 6716 forbids.
     */
    public static int samples(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return -1;
        }
        int toc = payload[0] & 0xff;
        int config = toc >> 3;
        int frame; // samples of one frame at 48 kHz
        if (config < 12) {          // SILK: 10, 20, 40, 60 ms
            frame = new int[] {480, 960, 1920, 2880}[config & 3];
        } else if (config < 16) {   // hybrid: 10, 20 ms
            frame = (config & 1) == 0 ? 480 : 960;
        } else {                    // CELT: 2.5, 5, 10, 20 ms
            frame = new int[] {120, 240, 480, 960}[config & 3];
        }
        int frames;
        switch (toc & 3) {
            case 0 -> frames = 1;
            case 1, 2 -> frames = 2;
            default -> {
                if (payload.length < 2) {
                    return -1;
                }
                frames = payload[1] & 0x3f;
            }
        }
        int total = frames * frame;
        return total <= 0 || total > OpusDecoder.MAX_SAMPLES ? -1 : total;
    }
}
