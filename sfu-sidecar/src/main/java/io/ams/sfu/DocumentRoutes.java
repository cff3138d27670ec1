package io.ams.sfu;

import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.TokenException;
import io.ams.sfu.content.ContentMessages;
import io.ams.sfu.content.ContentService;
import io.ams.sfu.content.ConversionException;
import io.ams.sfu.content.DocumentInfo;
import io.ams.sfu.signal.HttpRoutes;
import io.ams.sfu.signal.SignalingServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents' HTTP side (docs/SIGNALING.md "Documents"): {@code POST /rooms/ROOM/documents?name=FILE} with the
 * file as the body, and {@code GET /rooms/ROOM/documents/DOC/pages/N}, both with the participant's join token
 * for ROOM as {@code Authorization: Bearer TOKEN}, and only for a room open on this sidecar.
 */
final class DocumentRoutes implements HttpRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentRoutes.class);
    private static final Pattern UPLOAD = Pattern.compile("/rooms/([A-Za-z0-9._-]{1,64})/documents");
    private static final Pattern PAGE = Pattern.compile("/rooms/([A-Za-z0-9._-]{1,64})/documents/([0-9a-f]{12})/pages/(\\d{1,4})");

    private final ContentService content;
    private final JoinTokens tokens;
    private final java.util.function.Predicate<String> roomOpen;

    /** {@code roomOpen}: whether a room is open on this sidecar (uploads and pages are for those only). */
    DocumentRoutes(ContentService content, JoinTokens tokens, java.util.function.Predicate<String> roomOpen) {
        this.content = content;
        this.tokens = tokens;
        this.roomOpen = roomOpen;
    }

    @Override
    public boolean isUpload(String path) {
        return UPLOAD.matcher(path).matches();
    }

    @Override
    public long maxUploadBytes() {
        return content.settings().maxUploadBytes();
    }

    @Override
    public Reply admitUpload(String path, Map<String, List<String>> query, String authorization) {
        Matcher m = UPLOAD.matcher(path);
        if (!m.matches()) {
            return error(404, "not_found", "no such upload address");
        }
        Object who = who(m.group(1), authorization);
        if (who instanceof Reply r) {
            return r;
        }
        String name = first(query, "name");
        if (name == null || name.isBlank()) {
            return error(400, "bad_request", "say the file's name: ?name=FILE");
        }
        return null;
    }

    @Override
    public Reply upload(String path, Map<String, List<String>> query, String authorization, Path file) {
        Matcher m = UPLOAD.matcher(path);
        if (!m.matches()) {
            return error(404, "not_found", "no such upload address");
        }
        String room = m.group(1);
        Object who = who(room, authorization);
        if (who instanceof Reply r) {
            return r;
        }
        try {
            DocumentInfo d = content.accept(room, ((JoinTokens.Claims) who).name(), first(query, "name"), file);
            var o = SignalingServer.message("document");
            o.setAll((com.fasterxml.jackson.databind.node.ObjectNode) SignalingServer.json().valueToTree(ContentMessages.document(d)));
            return Reply.json(202, o.toString());
        } catch (ConversionException e) {
            int status = switch (e.code()) {
                case "unsupported_type", "type_mismatch" -> 415;
                case "too_many_documents" -> 429;
                case "server_busy" -> 503;
                default -> 422;
            };
            return error(status, e.code(), e.getMessage()); // counted by the service
        } catch (IOException e) {
            LOG.warn("documents: upload to room '{}' failed: {}", room, e.toString());
            return error(500, "server_error", "the server could not store the upload");
        }
    }

    @Override
    public void uploadRefused(int status) {
        content.countRefused();
    }

    @Override
    public Reply get(String path, Map<String, List<String>> query, String authorization) {
        if (!path.startsWith("/rooms/")) {
            return null;
        }
        Matcher m = PAGE.matcher(path);
        if (!m.matches()) {
            return error(404, "not_found", "no such page address");
        }
        String room = m.group(1);
        Object who = who(room, authorization);
        if (who instanceof Reply r) {
            return r;
        }
        try {
            byte[] png = content.page(room, m.group(2), Integer.parseInt(m.group(3)));
            return png == null ? error(404, "not_found", "no such page") : new Reply(200, "image/png", png);
        } catch (IOException e) {
            LOG.warn("documents: page {} of room '{}' does not open: {}", path, room, e.toString());
            return error(500, "page_unavailable", "the page cannot be read on the server");
        }
    }

    /** The token's claims for an open room, or the refusal. */
    private Object who(String room, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return error(401, "token_missing", "send your join token as 'Authorization: Bearer TOKEN'");
        }
        JoinTokens.Claims c;
        try {
            c = tokens.verify(authorization.substring(7).trim(), room);
        } catch (TokenException e) {
            return error(403, e.code(), e.getMessage());
        }
        if (!roomOpen.test(room)) {
            return error(404, "no_such_room", "room '" + room + "' is not open here");
        }
        return c;
    }

    private static String first(Map<String, List<String>> q, String key) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Reply error(int status, String code, String message) {
        return Reply.json(status, SignalingServer.error(code, message).toString());
    }
}
