package io.ams.engine.atrest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The at-rest file format, in one place for every kind of file (recordings, documents):
 *
 * <pre>
 * header:  "AMSSEAL1" | u16 id length | id (UTF-8) | 8-byte master key id | 12-byte nonce | wrapped data key (16 + 16 tag)
 * chunk:   u32 index | u8 flags (1 = final) | u32 sealed length | 12-byte nonce | AES-128-GCM(data key) sealed bytes
 * </pre>
 *
 * The data key is random per file and sealed (AES-GCM) by the master key with the file's id as
 * associated data; each chunk is sealed by the data key with magic, id, index and flags as associated
 * data. So a chunk edited, moved to another position or into another file, a flag changed, or the
 * wrong key all fail authentication; the reader names the chunk. A file cut short (a crash) ends
 * inside a chunk or lacks the final one, which the reader tells apart from tampering.
 */
final class SealedFormat {
    static final byte[] MAGIC = "AMSSEAL1".getBytes(StandardCharsets.US_ASCII);
    static final int NONCE = 12;
    static final int TAG_BITS = 128;
    static final int DATA_KEY = 16;
    static final int WRAPPED_KEY = DATA_KEY + TAG_BITS / 8;
    static final int KEY_ID = 8;
    static final int CHUNK_HEAD = 4 + 1 + 4 + NONCE;
    static final int MAX_SEALED = 64 * 1024 * 1024;
    static final int MAX_ID = 256;
    static final byte FINAL = 1;

    private SealedFormat() {
    }

    static byte[] keyAad(String id) {
        byte[] idb = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + idb.length + 3).put(MAGIC).put(idb)
                .put("dek".getBytes(StandardCharsets.US_ASCII)).array();
    }

    static byte[] chunkAad(String id, long index, byte flags) {
        byte[] idb = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + idb.length + 5).put(MAGIC).put(idb).putInt((int) index).put(flags).array();
    }
}
