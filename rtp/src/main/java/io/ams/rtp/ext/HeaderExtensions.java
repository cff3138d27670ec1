package io.ams.rtp.ext;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;

/**
 * A reusable cursor over the header extension elements of one RTP packet (RFC 8285): the one-byte
 * form (profile 0xBEDE, ids 1..14, 1..16 value bytes) and the two-byte form (profile 0x100X, ids
 * 1..255, 0..255 value bytes). Padding bytes (id 0) are skipped; in the one-byte form id 15 ends
 * the list. Allocation-free: {@link #wrap} a packet, then {@link #find(int)} or iterate with
 * {@link #next()} and read {@link #id()}, {@link #valueOffset()}, {@link #valueLength()}.
 *
 * <p>Ownership: the cursor views the caller's array and never copies it; {@link #replace} and
 * {@link #strip} write into it. One cursor per thread; not thread-safe.
 */
public final class HeaderExtensions {
    /** Profile of the one-byte header form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** Profile of the two-byte header form; the low 4 bits ("appbits") are free. */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    /** One element as a value, for callers off the media path. */
    public record Element(int id, int valueOffset, int valueLength) {
    }

    private byte[] buf;
    private int first;
    private int end;
    private int pos;
    private boolean twoByte;
    private int id;
    private int valueOffset;
    private int valueLength;

    /**
     * Points the cursor at the extension block of the RTP packet {@code pkt[off, off+len)}.
     *
     * @return false if the packet has no extension or one of another profile (nothing to find)
     * @throws RtpFormatException if the RTP header or extension block is truncated
     */
    public boolean wrap(byte[] pkt, int off, int len) throws RtpFormatException {
        buf = null;
        if (pkt == null || off < 0 || len < 0 || off > pkt.length - len) {
            throw new RtpFormatException("bad range for RTP packet");
        }
        if (len < RtpPacket.HEADER_SIZE) {
            throw new RtpFormatException("truncated header: " + len + " bytes");
        }
        int b0 = pkt[off] & 0xFF;
        if ((b0 >>> 6) != 2) {
            throw new RtpFormatException("bad version " + (b0 >>> 6));
        }
        if ((b0 & 0x10) == 0) {
            return false;
        }
        int at = off + RtpPacket.HEADER_SIZE + 4 * (b0 & 0x0F);
        if (at + 4 > off + len) {
            throw new RtpFormatException("truncated extension header");
        }
        int profile = ((pkt[at] & 0xFF) << 8) | (pkt[at + 1] & 0xFF);
        int words = ((pkt[at + 2] & 0xFF) << 8) | (pkt[at + 3] & 0xFF);
        int blockEnd = at + 4 + 4 * words;
        if (blockEnd > off + len) {
            throw new RtpFormatException("extension of " + words + " words exceeds packet of " + len + " bytes");
        }
        if (profile == ONE_BYTE_PROFILE) {
            twoByte = false;
        } else if ((profile & 0xFFF0) == TWO_BYTE_PROFILE) {
            twoByte = true;
        } else {
            return false;
        }
        buf = pkt;
        first = at + 4;
        end = blockEnd;
        pos = first;
        id = 0;
        return true;
    }

    /** Whether the wrapped block uses the two-byte form. */
    public boolean twoByte() {
        return twoByte;
    }

    /**
     * Moves to the next element.
     *
     * @return false at the end of the list (or if nothing is wrapped)
     * @throws RtpFormatException if an element runs past the extension block
     */
    public boolean next() throws RtpFormatException {
        if (buf == null) {
            return false;
        }
        while (pos < end) {
            int b = buf[pos] & 0xFF;
            if (b == 0) { // padding
                pos++;
                continue;
            }
            int elementId;
            int length;
            int header;
            if (twoByte) {
                if (pos + 2 > end) {
                    throw new RtpFormatException("truncated two-byte extension element");
                }
                elementId = b;
                length = buf[pos + 1] & 0xFF;
                header = 2;
            } else {
                elementId = b >>> 4;
                if (elementId == 15) { // reserved: stop parsing
                    pos = end;
                    return false;
                }
                if (elementId == 0) { // id 0 with a length: padding per RFC 8285, one byte
                    pos++;
                    continue;
                }
                length = (b & 0x0F) + 1;
                header = 1;
            }
            if (pos + header + length > end) {
                throw new RtpFormatException("extension element " + elementId + " of " + length + " bytes exceeds block");
            }
            id = elementId;
            valueOffset = pos + header;
            valueLength = length;
            pos = valueOffset + length;
            return true;
        }
        return false;
    }

    /**
     * Finds the first element with {@code id}, starting over from the beginning of the block.
     *
     * @return true if found; then {@link #valueOffset()} and {@link #valueLength()} describe it
     */
    public boolean find(int id) throws RtpFormatException {
        pos = first;
        while (next()) {
            if (this.id == id) {
                return true;
            }
        }
        return false;
    }

    /** Id of the current element. */
    public int id() {
        return id;
    }

    /** Absolute offset of the current element's value in the wrapped array. */
    public int valueOffset() {
        return valueOffset;
    }

    /** Length of the current element's value. */
    public int valueLength() {
        return valueLength;
    }

    /** The wrapped array (the caller's, not a copy). */
    public byte[] buffer() {
        return buf;
    }

    /**
     * Overwrites the value of element {@code id} in place with {@code value}, which must have the
     * element's length (the packet keeps its size).
     *
     * @return false if the element is absent or of another length
     */
    public boolean replace(int id, byte[] value) throws RtpFormatException {
        if (!find(id) || valueLength != value.length) {
            return false;
        }
        System.arraycopy(value, 0, buf, valueOffset, value.length);
        return true;
    }

    /**
     * Removes element {@code id} in place by turning its header and value into padding bytes (0),
     * which every receiver skips; the packet keeps its size.
     *
     * @return false if absent
     */
    public boolean strip(int id) throws RtpFormatException {
        if (!find(id)) {
            return false;
        }
        int header = twoByte ? 2 : 1;
        java.util.Arrays.fill(buf, valueOffset - header, valueOffset + valueLength, (byte) 0);
        pos = first;
        return true;
    }

    /** Convenience off the media path: the element {@code id} of a packet, or null. Allocates. */
    public static Element findElement(byte[] pkt, int off, int len, int id) throws RtpFormatException {
        HeaderExtensions ext = new HeaderExtensions();
        if (ext.wrap(pkt, off, len) && ext.find(id)) {
            return new Element(id, ext.valueOffset, ext.valueLength);
        }
        return null;
    }

    /**
     * Writes an extension block (4-byte header + elements + zero padding to 32 bits) at
     * {@code dst[off..]}: the one-byte form when every id is 1..14 and every value 1..16 bytes,
     * otherwise the two-byte form. The caller sets the X bit of the RTP header.
     *
     * @return bytes written, a multiple of 4
     */
    public static int writeBlock(byte[] dst, int off, int[] ids, byte[][] values) {
        boolean one = true;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 1 || ids[i] > 255 || values[i].length > 255) {
                throw new IllegalArgumentException("extension id " + ids[i] + " or length " + values[i].length);
            }
            one &= ids[i] <= 14 && values[i].length >= 1 && values[i].length <= 16;
        }
        int at = off + 4;
        for (int i = 0; i < ids.length; i++) {
            if (one) {
                dst[at++] = (byte) ((ids[i] << 4) | (values[i].length - 1));
            } else {
                dst[at++] = (byte) ids[i];
                dst[at++] = (byte) values[i].length;
            }
            System.arraycopy(values[i], 0, dst, at, values[i].length);
            at += values[i].length;
        }
        while (((at - off) & 3) != 0) {
            dst[at++] = 0;
        }
        int profile = one ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE;
        int words = (at - off - 4) / 4;
        dst[off] = (byte) (profile >>> 8);
        dst[off + 1] = (byte) profile;
        dst[off + 2] = (byte) (words >>> 8);
        dst[off + 3] = (byte) words;
        return at - off;
    }
}
