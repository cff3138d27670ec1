package io.ams.sfu.signal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Requests the HTTP server hands to the application beside its files: uploads (streamed to a temporary
 * file, never held in memory, at most {@link #maxUploadBytes()}) and GETs under the paths it claims. Called
 * on Netty's threads: implementations answer quickly and hand long work elsewhere.
 */
public interface HttpRoutes {
    /** A response: status, content type, body. */
    record Reply(int status, String contentType, byte[] body) {
        public static Reply json(int status, String json) {
            return new Reply(status, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Whether a POST to {@code path} is an upload of ours. */
    boolean isUpload(String path);

    long maxUploadBytes();

    /**
     * Checks an upload before its body arrives (null: go on; a reply: refuse with it, e.g. 401 for a bad token),
     * so a refused client does not send megabytes for nothing.
     */
    Reply admitUpload(String path, Map<String, List<String>> query, String authorization);

    /** The whole body is in {@code file} (deleted after this returns unless the routes moved it). */
    Reply upload(String path, Map<String, List<String>> query, String authorization, Path file);

    /** An upload was refused before it reached {@link #upload} (too large, no token, a write error): for counting. */
    default void uploadRefused(int status) {
    }

    /** A GET of ours, or null when {@code path} is not one (the server then serves its files). */
    Reply get(String path, Map<String, List<String>> query, String authorization);
}
