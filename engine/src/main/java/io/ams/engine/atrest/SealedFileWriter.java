package io.ams.engine.atrest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes a sealed file ({@link SealedFormat}) chunk by chunk: each {@link #append} seals its bytes and
 * forces them to disk, so a crash loses at most the chunk being written. Nothing is written in the
 * clear, and the file is created new with mode 0600 (an existing file is never overwritten). Not
 * thread-safe: one writer thread.
 */
public final class SealedFileWriter implements AutoCloseable {
    private final Path path;
    private final String id;
    private final FileChannel out;
    private final SecretKeySpec dataKey;
    private final SecureRandom random = new SecureRandom();
    private long next;
    private long bytes;
    private boolean finished;
    private boolean broken; // a write failed (disk full?): the file ends there, readable up to its last whole chunk

    private SealedFileWriter(Path path, String id, FileChannel out, SecretKeySpec dataKey) {
        this.path = path;
        this.id = id;
        this.out = out;
        this.dataKey = dataKey;
    }

    /** Creates {@code path} (it must not exist) for the file called {@code id}, its data key wrapped by {@code master}. */
    public static SealedFileWriter create(Path path, MasterKey master, String id) throws IOException {
        byte[] idb = id.getBytes(StandardCharsets.UTF_8);
        if (idb.length == 0 || idb.length > SealedFormat.MAX_ID) {
            throw new IllegalArgumentException("a sealed file's id is 1.." + SealedFormat.MAX_ID + " bytes");
        }
        SecureRandom random = new SecureRandom();
        byte[] raw = new byte[SealedFormat.DATA_KEY];
        random.nextBytes(raw);
        byte[] nonce = new byte[SealedFormat.NONCE];
        random.nextBytes(nonce);
        byte[] wrapped;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, master.secret(), new GCMParameterSpec(SealedFormat.TAG_BITS, nonce));
            c.updateAAD(SealedFormat.keyAad(id));
            wrapped = c.doFinal(raw);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot wrap a data key: " + e.getMessage(), e);
        }
        FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        SealedFileWriter w = new SealedFileWriter(path, id, ch, new SecretKeySpec(raw, "AES"));
        try {
            ByteBuffer head = ByteBuffer.allocate(SealedFormat.MAGIC.length + 2 + idb.length + SealedFormat.KEY_ID
                    + SealedFormat.NONCE + wrapped.length);
            head.put(SealedFormat.MAGIC).putShort((short) idb.length).put(idb).put(HexFormat.of().parseHex(master.id()))
                    .put(nonce).put(wrapped).flip();
            w.write(head);
            ch.force(true);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return w;
    }

    /** Seals {@code plain} as the next chunk and forces it to disk. */
    public void append(byte[] plain) throws IOException {
        writeChunk(plain, (byte) 0);
    }

    /** Writes the final (empty) chunk that marks the file complete; later appends are refused. */
    public void finish() throws IOException {
        if (!finished) {
            writeChunk(new byte[0], SealedFormat.FINAL);
            finished = true;
        }
    }

    private void writeChunk(byte[] plain, byte flags) throws IOException {
        if (finished || broken) {
            throw new IOException("sealed file " + path + (broken ? " failed to write earlier" : " is finished"));
        }
        byte[] nonce = new byte[SealedFormat.NONCE];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(SealedFormat.TAG_BITS, nonce));
            c.updateAAD(SealedFormat.chunkAad(id, next, flags));
            sealed = c.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal chunk " + next + ": " + e.getMessage(), e);
        }
        if (sealed.length > SealedFormat.MAX_SEALED) {
            throw new IOException("chunk " + next + " of " + sealed.length + " bytes is over the limit");
        }
        ByteBuffer b = ByteBuffer.allocate(SealedFormat.CHUNK_HEAD + sealed.length);
        b.putInt((int) next).put(flags).putInt(sealed.length).put(nonce).put(sealed).flip();
        try {
            write(b);
            out.force(false);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        next++;
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            bytes += out.write(b);
        }
    }

    /** Chunks written so far (the final marker included). */
    public long chunks() {
        return next;
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    public Path path() {
        return path;
    }

    /** Finishes the file (if it can) and closes it. */
    @Override
    public void close() throws IOException {
        try {
            if (out.isOpen() && !broken) {
                finish();
            }
        } finally {
            out.close();
        }
    }
}
