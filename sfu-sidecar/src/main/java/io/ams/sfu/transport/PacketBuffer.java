package io.ams.sfu.transport;

import java.util.Arrays;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A growable view (array, offset, length) handed to jitsi-srtp, which transforms packets in place and
 * appends or strips the auth tag through {@link #grow}, {@link #append} and {@link #shrink}. Owned by
 * whoever created it; not thread-safe.
 */
final class PacketBuffer implements ByteArrayBuffer {
    private byte[] buffer;
    private int offset;
    private int length;

    PacketBuffer(byte[] buffer, int offset, int length) {
        reset(buffer, offset, length);
    }

    /** Points this view at new bytes, without copying. */
    void reset(byte[] buffer, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buffer.length) {
            throw new IllegalArgumentException("bad region " + offset + "+" + length + " of " + buffer.length);
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int length) {
        if (length < 0 || offset + length > buffer.length) {
            throw new IllegalArgumentException("length " + length);
        }
        this.length = length;
    }

    @Override
    public void setOffset(int offset) {
        if (offset < 0 || offset + length > buffer.length) {
            throw new IllegalArgumentException("offset " + offset);
        }
        this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        if (off < 0 || len < 0 || off + len > length) {
            throw new IllegalArgumentException("region " + off + "+" + len + " of " + length);
        }
        System.arraycopy(buffer, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        int needed = offset + length + howMuch;
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, needed);
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buffer, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
