package io.ams.engine.atrest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps every data key written at rest (recordings now, uploaded documents later): 16 or
 * 32 random bytes, base64 in a file only its owner may read (0600). Made on first use if missing; an
 * operator may give their own. A file others can read is refused, not silently used.
 */
public final class MasterKey {
    private final SecretKey key;
    private final String id;

    private MasterKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "AES");
        this.id = fingerprint(raw);
    }

    /** A key from raw bytes (16 or 32). */
    public static MasterKey of(byte[] raw) {
        if (raw.length != 16 && raw.length != 32) {
            throw new IllegalArgumentException("a master key is 16 or 32 bytes, got " + raw.length);
        }
        return new MasterKey(raw.clone());
    }

    /** The key in {@code file}, made (32 random bytes, mode 0600) if the file does not exist. */
    public static MasterKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
                return new MasterKey(raw);
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            }
        }
        return load(file);
    }

    /** The key in an existing {@code file}; refused if group or others may read it. */
    public static MasterKey load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("master key file " + file + " does not exist");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IOException("master key file " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "): chmod 600 it");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("master key file " + file + " is not base64: " + e.getMessage());
        }
        if (raw.length != 16 && raw.length != 32) {
            throw new IOException("master key file " + file + " holds " + raw.length + " bytes; a key is 16 or 32");
        }
        return new MasterKey(raw);
    }

    SecretKey secret() {
        return key;
    }

    /** A short public name of the key (first 8 bytes of its SHA-256, hex): says which key a file needs. */
    public String id() {
        return id;
    }

    private static String fingerprint(byte[] raw) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
