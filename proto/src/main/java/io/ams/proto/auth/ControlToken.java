package io.ams.proto.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The shared secret of the control APIs (ams.v1.Mixer, ams.v1.Sfu): a bearer token every call
 * carries as {@code authorization: Bearer <token>} (see docs/SECURITY.md). Kept in a token file
 * (made with 256 random bits, mode 0600, on first use) or given in {@code AMS_CONTROL_TOKEN}.
 * {@link #toString()} never shows the secret.
 */
public final class ControlToken {
    /** The environment variable holding a token (the value itself, not a file). */
    public static final String ENV = "AMS_CONTROL_TOKEN";
    private static final int MIN_LENGTH = 16;

    private final byte[] secret;

    private ControlToken(String value) {
        String v = value.strip();
        if (v.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a control token needs at least " + MIN_LENGTH + " characters, got "
                    + v.length());
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("a control token is printable ASCII without spaces");
            }
        }
        this.secret = v.getBytes(StandardCharsets.US_ASCII);
    }

    public static ControlToken of(String value) {
        return new ControlToken(value);
    }

    /** A fresh random token: 32 bytes from {@link SecureRandom}, URL-safe base64. */
    public static ControlToken random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new ControlToken(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /**
     * The token in {@code file}; a new random one written there (parent directories made, mode 0600
     * where the file system has POSIX permissions) when the file does not exist.
     */
    public static ControlToken loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        ControlToken t = random();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // written in full to a private temporary file, then linked into place: a process starting at the
        // same moment sees either no file or the whole token, and only one token wins
        Path tmp = Files.getFileStore(parent).supportsFileAttributeView("posix")
                ? Files.createTempFile(parent, ".control-token", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(parent, ".control-token", ".tmp");
        try {
            Files.write(tmp, (t.value() + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
            try {
                publish(tmp, file);
            } catch (FileAlreadyExistsException e) {
                return load(file); // another process made it first
            }
            return t;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void publish(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            Files.move(tmp, file); // no hard links on this file system: fails if the file appeared meanwhile
        }
    }

    /** The token in an existing file (surrounding white space ignored). */
    public static ControlToken load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            return new ControlToken(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("control token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The token of {@code --control-token-file} when given (made if missing), else of {@link #ENV}, else none. */
    public static Optional<ControlToken> resolve(Path file, Map<String, String> environment) {
        if (file != null) {
            try {
                return Optional.of(loadOrCreate(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read or create the control token file " + file + ": "
                        + e.getMessage(), e);
            }
        }
        String env = environment.get(ENV);
        if (env != null && !env.isBlank()) {
            try {
                return Optional.of(new ControlToken(env));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    /** Constant-time comparison with a token a caller presented. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The secret, for a client to send. */
    public String value() {
        return new String(secret, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "ControlToken[" + secret.length + " characters]";
    }
}
