package io.ams.sfu.content;

/** What a room is being shown (signaling message {@code presenting}): a page of a document, by whom. */
public record Presentation(String presenterId, String documentId, String documentName, int page, int pages) {
    /** The label of the content tile in the mix, e.g. "report.pdf 2/3" (at most 64 characters). */
    public String label() {
        String tail = " " + page + "/" + pages;
        String name = documentName.length() + tail.length() > 64 ? documentName.substring(0, 64 - tail.length()) : documentName;
        return name + tail;
    }
}
