package io.ams.sfu.content;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Page images at rest: {@code DIR/ROOM/DOC/NNNN.page}, each AES-128-GCM sealed under the key in
 * {@code DIR/content.key} (16 random bytes, created 0600 on first use), laid out as a 12-byte nonce
 * then ciphertext and tag; the room, document and page number are authenticated with it, so a page
 * moved to another place in the tree does not open. Nothing under DIR is plaintext.
 */
public final class SealedPages {
    static final String KEY_FILE = "content.key";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final Path dir;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SealedPages(Path dir, byte[] key) {
        this.dir = dir;
        this.key = new SecretKeySpec(key, "AES");
    }

    /** Opens {@code dir}, creating it and its key when missing. */
    public static SealedPages open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path k = dir.resolve(KEY_FILE);
        if (!Files.exists(k)) {
            byte[] fresh = new byte[16];
            new SecureRandom().nextBytes(fresh);
            Path tmp = dir.resolve(KEY_FILE + ".tmp");
            Files.write(tmp, fresh);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions protect it
            }
            try {
                Files.move(tmp, k, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(k);
        if (key.length != 16) {
            throw new IOException(k + " must hold 16 bytes (an AES-128 key), has " + key.length);
        }
        return new SealedPages(dir, key);
    }

    public Path dir() {
        return dir;
    }

    /** Seals {@code png} as page {@code page} (1-based) of {@code doc} in {@code room}. */
    public void put(String room, String doc, int page, byte[] png) throws IOException {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(room, doc, page));
            sealed = c.doFinal(png);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a page: " + e.getMessage(), e);
        }
        Path f = file(room, doc, page);
        Files.createDirectories(f.getParent());
        byte[] out = new byte[NONCE + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        System.arraycopy(sealed, 0, out, NONCE, sealed.length);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, out);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The page's PNG; IOException when it is missing, or was altered or moved. */
    public byte[] get(String room, String doc, int page) throws IOException {
        byte[] in = Files.readAllBytes(file(room, doc, page));
        if (in.length < NONCE + TAG_BITS / 8) {
            throw new IOException("page " + page + " of " + doc + " is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            c.updateAAD(aad(room, doc, page));
            return c.doFinal(in, NONCE, in.length - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IOException("page " + page + " of " + doc + " does not open (altered, moved, or another key)", e);
        }
    }

    /** Deletes one document's pages. */
    public void delete(String room, String doc) throws IOException {
        deleteTree(dir.resolve(room).resolve(doc));
    }

    /** Deletes every document of {@code room}. */
    public void deleteRoom(String room) throws IOException {
        deleteTree(dir.resolve(room));
    }

    private Path file(String room, String doc, int page) {
        return dir.resolve(room).resolve(doc).resolve(String.format(Locale.ROOT, "%04d.page", page));
    }

    private static byte[] aad(String room, String doc, int page) {
        return ("ams-page-v1|" + room + "|" + doc + "|" + page).getBytes(StandardCharsets.UTF_8);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
