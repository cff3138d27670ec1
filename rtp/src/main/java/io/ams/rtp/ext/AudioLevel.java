package io.ams.rtp.ext;

import io.ams.rtp.RtpFormatException;

/**
 * The client-to-mixer audio level extension (RFC 6464): one byte, bit 7 the voice activity flag,
 * bits 0..6 the level in -dBov (0 loudest, 127 silence). Static helpers on the packed byte, so
 * the media path allocates nothing.
 */
public final class AudioLevel {
    /** Returned by {@link #read} when the element is absent or empty. */
    public static final int ABSENT = -1;
    /** The level of digital silence, -127 dBov. */
    public static final int SILENT = 127;

    private AudioLevel() {
    }

    /** The packed byte (0..255) of the element {@code id} of the wrapped packet, or {@link #ABSENT}. */
    public static int read(HeaderExtensions ext, int id) throws RtpFormatException {
        if (!ext.find(id) || ext.valueLength() < 1) {
            return ABSENT;
        }
        return ext.buffer()[ext.valueOffset()] & 0xFF;
    }

    /** Voice activity flag of a packed byte. */
    public static boolean voice(int packed) {
        return (packed & 0x80) != 0;
    }

    /** Level in -dBov (0..127) of a packed byte. */
    public static int level(int packed) {
        return packed & 0x7F;
    }

    /** Packs a flag and a level (clamped to 0..127). */
    public static int encode(boolean voice, int level) {
        return (voice ? 0x80 : 0) | Math.max(0, Math.min(SILENT, level));
    }
}
