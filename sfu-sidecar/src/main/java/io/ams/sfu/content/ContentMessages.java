package io.ams.sfu.content;

import java.util.LinkedHashMap;
import java.util.Map;

/** The fields of the signaling messages {@code document} and {@code presenting} (docs/SIGNALING.md "Documents"). */
public final class ContentMessages {
    private ContentMessages() {
    }

    /** Where a client fetches a page (with its join token as a bearer token). */
    public static String pageUrl(String room, String documentId, int page) {
        return "/rooms/" + room + "/documents/" + documentId + "/pages/" + page;
    }

    public static Map<String, Object> document(DocumentInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("name", d.name());
        m.put("uploadedBy", d.uploadedBy());
        m.put("state", d.state());
        m.put("pages", d.pages());
        m.put("converted", d.converted());
        if (d.error() != null) {
            m.put("error", d.error());
            m.put("message", d.errorMessage());
        }
        return m;
    }

    /** {@code p} null: nobody presents. */
    public static Map<String, Object> presenting(String room, Presentation p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p == null) {
            m.put("presenterId", null);
            return m;
        }
        m.put("presenterId", p.presenterId());
        m.put("documentId", p.documentId());
        m.put("name", p.documentName());
        m.put("page", p.page());
        m.put("pages", p.pages());
        m.put("url", pageUrl(room, p.documentId(), p.page()));
        return m;
    }
}
