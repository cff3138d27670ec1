package io.ams.engine.atrest;

import io.ams.engine.atrest.SealedFileException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads a sealed file ({@link SealedFormat}) chunk by chunk, checking every chunk before giving out
 * its bytes. Problems are {@link SealedFileException}s that name the chunk: a wrong key, an edited,
 * moved or missing chunk, a file cut short inside a chunk (a crash while writing) or one that ends
 * without its final marker (the writer stopped before finishing).
 */
public final class SealedFileReader implements AutoCloseable {
    private final Path path;
    private final FileChannel in;
    private final String id;
    private final SecretKeySpec dataKey;
    private long next;
    private boolean done;

    private SealedFileReader(Path path, FileChannel in, String id, SecretKeySpec dataKey) {
        this.path = path;
        this.in = in;
        this.id = id;
        this.dataKey = dataKey;
    }

    public static SealedFileReader open(Path path, MasterKey master) throws IOException {
        FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
        try {
            byte[] magic = readFully(in, SealedFormat.MAGIC.length, path, -1);
            if (!Arrays.equals(magic, SealedFormat.MAGIC)) {
                throw new SealedFileException(Problem.NOT_SEALED, -1, path + " is not a sealed AMS file");
            }
            int idLen = ByteBuffer.wrap(readFully(in, 2, path, -1)).getShort() & 0xFFFF;
            if (idLen == 0 || idLen > SealedFormat.MAX_ID) {
                throw new SealedFileException(Problem.TAMPERED, -1, path + ": header damaged (id length " + idLen + ")");
            }
            String id = new String(readFully(in, idLen, path, -1), StandardCharsets.UTF_8);
            String keyId = HexFormat.of().formatHex(readFully(in, SealedFormat.KEY_ID, path, -1));
            byte[] nonce = readFully(in, SealedFormat.NONCE, path, -1);
            byte[] wrapped = readFully(in, SealedFormat.WRAPPED_KEY, path, -1);
            byte[] raw;
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, master.secret(), new GCMParameterSpec(SealedFormat.TAG_BITS, nonce));
                c.updateAAD(SealedFormat.keyAad(id));
                raw = c.doFinal(wrapped);
            } catch (AEADBadTagException e) {
                throw new SealedFileException(Problem.WRONG_KEY, -1, keyId.equals(master.id())
                        ? path + ": the data key does not open with master key " + master.id() + " (header edited)"
                        : path + " was sealed with master key " + keyId + ", not with the given key " + master.id());
            } catch (GeneralSecurityException e) {
                throw new IOException(path + ": cannot open the data key: " + e.getMessage(), e);
            }
            return new SealedFileReader(path, in, id, new SecretKeySpec(raw, "AES"));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The id the file was sealed for (a recording id, say). */
    public String id() {
        return id;
    }

    /** The next chunk's bytes, or null after the final marker. */
    public byte[] next() throws IOException {
        if (done) {
            return null;
        }
        long at = in.position();
        if (at == in.size()) {
            throw new SealedFileException(Problem.UNFINISHED, next, path + " ends after chunk " + (next - 1)
                    + " without its final marker: it was not finished (the writer stopped, or chunks were cut off)");
        }
        ByteBuffer head = ByteBuffer.wrap(readFully(in, SealedFormat.CHUNK_HEAD, path, next));
        long index = head.getInt() & 0xFFFFFFFFL;
        byte flags = head.get();
        int length = head.getInt();
        byte[] nonce = new byte[SealedFormat.NONCE];
        head.get(nonce);
        if (length < SealedFormat.TAG_BITS / 8 || length > SealedFormat.MAX_SEALED) {
            throw new SealedFileException(Problem.TAMPERED, next, path + ": chunk " + next + " is damaged (length " + length + ")");
        }
        if (index > next) {
            throw new SealedFileException(Problem.MISSING_CHUNK, next, path + ": chunk " + next + " is missing (the next one is "
                    + index + ")");
        }
        if (index < next) {
            throw new SealedFileException(Problem.TAMPERED, next, path + ": chunk " + index + " found again where chunk " + next
                    + " belongs (chunks reordered or repeated)");
        }
        byte[] sealed = readFully(in, length, path, next);
        byte[] plain;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(SealedFormat.TAG_BITS, nonce));
            c.updateAAD(SealedFormat.chunkAad(id, index, flags));
            plain = c.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new SealedFileException(Problem.TAMPERED, next, path + ": chunk " + next + " fails authentication (edited)");
        } catch (GeneralSecurityException e) {
            throw new IOException(path + ": chunk " + next + ": " + e.getMessage(), e);
        }
        next++;
        if ((flags & SealedFormat.FINAL) != 0) {
            done = true;
            if (in.position() != in.size()) {
                throw new SealedFileException(Problem.TAMPERED, next, path + ": " + (in.size() - in.position())
                        + " bytes after the final marker");
            }
            return null;
        }
        return plain;
    }

    /** Chunks read so far. */
    public long chunksRead() {
        return next;
    }

    private static byte[] readFully(FileChannel in, int n, Path path, long chunk) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                if (chunk < 0) {
                    throw new SealedFileException(Problem.NOT_SEALED, -1, path + " ends inside its header");
                }
                throw new SealedFileException(Problem.TRUNCATED, chunk, path + " ends inside chunk " + chunk
                        + ": the file was cut short (a crash while writing?)");
            }
        }
        return b.array();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
