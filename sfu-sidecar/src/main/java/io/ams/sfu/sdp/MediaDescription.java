package io.ams.sfu.sdp;

import java.util.List;
import java.util.Map;

/**
 * One parsed m-section of a remote description.
 *
 * @param kind        "audio" or "video" (or whatever the line said)
 * @param port        0 = rejected
 * @param payloadTypes the formats listed on the m-line, in order of preference
 * @param rtpmap      payload type -> "VP8/90000"
 * @param mid         a=mid, or null
 * @param direction   a=sendrecv/sendonly/recvonly/inactive (default sendrecv)
 * @param ssrcs       SSRCs announced with a=ssrc (first of an a=ssrc-group FID first)
 * @param extmap      extension id -> URI
 * @param candidates  a=candidate values ("candidate:..." without "a=")
 * @param simulcastRids rids this section sends as simulcast layers, in the answer's order; empty = one stream
 * @param rtxSsrcs    media SSRC -> its RTX (repair) SSRC, from a=ssrc-group:FID
 */
public record MediaDescription(String kind, int port, List<Integer> payloadTypes, Map<Integer, String> rtpmap,
                               String mid, Direction direction, List<Long> ssrcs, Map<Integer, String> extmap,
                               List<String> candidates, String iceUfrag, String icePwd, String fingerprint,
                               String setup, boolean rtcpMux, List<String> simulcastRids,
                               Map<Long, Long> rtxSsrcs) {

    public boolean simulcast() {
        return simulcastRids.size() > 1;
    }

    public boolean rejected() {
        return port == 0;
    }

    /** The payload type whose rtpmap encoding name equals {@code codec} (case-insensitive), or -1. */
    public int payloadTypeOf(String codec) {
        for (int pt : payloadTypes) {
            String m = rtpmap.get(pt);
            if (m != null && m.regionMatches(true, 0, codec + "/", 0, codec.length() + 1)) {
                return pt;
            }
        }
        return -1;
    }

    /** The id the remote uses for the extension {@code uri}, or -1. */
    public int extensionId(String uri) {
        for (var e : extmap.entrySet()) {
            if (e.getValue().equals(uri)) {
                return e.getKey();
            }
        }
        return -1;
    }
}
