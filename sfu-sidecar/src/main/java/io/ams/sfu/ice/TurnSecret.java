package io.ams.sfu.ice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret shared with the TURN server ({@code static-auth-secret} in coturn's configuration), read from
 * a file: its first line, without surrounding white space. An empty file is refused; a file others may read
 * is used with a warning. The secret itself is never logged nor shown by {@link #toString()}.
 */
public final class TurnSecret {
    private static final Logger LOG = LoggerFactory.getLogger(TurnSecret.class);
    private static final int MAX_BYTES = 4096;

    private final byte[] key;

    private TurnSecret(byte[] key) {
        this.key = key;
    }

    /** A secret given as text (tests, or a caller that already holds it). */
    public static TurnSecret of(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the TURN secret is empty");
        }
        return new TurnSecret(secret.strip().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the secret from a file.
     *
     * @throws IOException if the file cannot be read, is empty, or is larger than 4 KiB
     */
    public static TurnSecret read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("TURN secret file " + file + " does not exist or is not a file");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("TURN secret file " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        warnIfOthersMayRead(file);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String line = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        if (line.isEmpty()) {
            throw new IOException("TURN secret file " + file + " is empty");
        }
        return new TurnSecret(line.getBytes(StandardCharsets.UTF_8));
    }

    private static void warnIfOthersMayRead(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system
        }
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.warn("TURN secret file {} is readable by every user of this machine; chmod 600 it", file);
        }
    }

    /** The key bytes for HMAC (a copy). */
    byte[] key() {
        return Arrays.copyOf(key, key.length);
    }

    @Override
    public String toString() {
        return "TurnSecret[" + key.length + " bytes]";
    }
}
