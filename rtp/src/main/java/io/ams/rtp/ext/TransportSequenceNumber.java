package io.ams.rtp.ext;

import io.ams.rtp.RtpFormatException;

/**
 * The transport-wide sequence number extension (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * a 16-bit big-endian counter shared by all streams of one transport, which the receiver reports
 * back in transport-cc feedback.
 */
public final class TransportSequenceNumber {
    /** Returned by {@link #read} when the element is absent or shorter than 2 bytes. */
    public static final int ABSENT = -1;

    private TransportSequenceNumber() {
    }

    /** The sequence number (0..65535) of the element {@code id} of the wrapped packet, or {@link #ABSENT}. */
    public static int read(HeaderExtensions ext, int id) throws RtpFormatException {
        if (!ext.find(id) || ext.valueLength() < 2) {
            return ABSENT;
        }
        byte[] b = ext.buffer();
        int at = ext.valueOffset();
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /**
     * Rewrites the sequence number of element {@code id} in place (low 16 bits of {@code seq}).
     *
     * @return false if the element is absent or shorter than 2 bytes
     */
    public static boolean write(HeaderExtensions ext, int id, int seq) throws RtpFormatException {
        if (!ext.find(id) || ext.valueLength() < 2) {
            return false;
        }
        byte[] b = ext.buffer();
        int at = ext.valueOffset();
        b[at] = (byte) (seq >>> 8);
        b[at + 1] = (byte) seq;
        return true;
    }
}
