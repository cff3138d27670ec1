package io.ams.rtp.vp8;

/**
 * What the payload descriptors (and, when its first packet arrived, the frame header) say about
 * one VP8 frame's place in the reference structure. Fields the sender did not send are
 * {@link Vp8Descriptor#ABSENT}.
 *
 * @param pictureId        PictureID, or ABSENT
 * @param pictureIdModulus 128 or 32768 for a 7- or 15-bit PictureID, 0 without one
 * @param tl0PicIdx        TL0PICIDX (the index of the latest base-layer frame), or ABSENT
 * @param temporalId       TID, the temporal layer (0 = base), or ABSENT
 * @param layerSync        Y: depends only on the base-layer frame {@code tl0PicIdx}
 * @param nonReference     N: no other frame references this one
 * @param hidden           show_frame = 0 in the frame header (an alt-ref frame: kept as a reference only)
 */
public record Vp8FrameInfo(int pictureId, int pictureIdModulus, int tl0PicIdx, int temporalId, boolean layerSync,
                           boolean nonReference, boolean hidden) {
    /** A frame nothing is known of (no descriptor could be read). */
    public static final Vp8FrameInfo UNKNOWN =
            new Vp8FrameInfo(Vp8Descriptor.ABSENT, 0, Vp8Descriptor.ABSENT, Vp8Descriptor.ABSENT, false, false, false);

    /** Whether the frame says which temporal layer it is in and which base frame it follows. */
    public boolean layered() {
        return tl0PicIdx != Vp8Descriptor.ABSENT && temporalId != Vp8Descriptor.ABSENT;
    }
}
