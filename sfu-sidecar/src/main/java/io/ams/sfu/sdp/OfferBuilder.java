package io.ams.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the server's SDP offer (the server is the offerer, see docs/SIGNALING.md): one BUNDLE
 * transport with rtcp-mux, DTLS {@code setup:actpass}, VP8 for video and Opus for audio, and the
 * header extensions the SFU reads (RFC 6464 audio level, transport-wide sequence numbers, mid, and for
 * the camera rid/repaired-rid), and on the camera section simulcast layers (RFC 8853) with RTX (RFC 4588).
 *
 * <p>Payload types and extension ids are fixed for every section and every peer, so a packet
 * forwarded from one peer to another never needs a payload-type rewrite.
 */
public final class OfferBuilder {
    public static final int VP8_PT = 96;
    public static final int OPUS_PT = 111;
    public static final int EXT_AUDIO_LEVEL = 1;
    public static final int EXT_TRANSPORT_CC = 3;
    public static final int EXT_MID = 4;
    public static final int EXT_RID = 10;
    public static final int EXT_REPAIRED_RID = 11;
    /** RTX (RFC 4588) for VP8 on the camera section: retransmissions and Chrome's padding probes. */
    public static final int RTX_PT = 97;
    public static final String URI_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String URI_RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String URI_REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /**
     * The camera's simulcast layers we ask browsers for, smallest first, as Chrome's 720p ladder
     * (DESIGN.md section 9): q = a quarter (320x180), h = half (640x360), f = full (1280x720).
     */
    public static final List<String> CAMERA_RIDS = List.of("q", "h", "f");
    public static final String URI_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String URI_TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /**
     * One m-section of the offer.
     *
     * @param ssrc     for sections we send on: the SSRC we will use (announced with a=ssrc); 0 otherwise
     * @param streamId msid stream id for sections we send on (the browser groups tracks by it)
     * @param trackId  msid track id
     * @param cname    the CNAME announced for {@code ssrc} (the participant whose media it carries; "ams" for ours)
     */
    public record Section(String mid, String kind, Direction direction, long ssrc, String streamId, String trackId,
                          List<String> receiveRids, String cname) {
        public static Section receive(String mid, String kind) {
            return new Section(mid, kind, Direction.RECVONLY, 0, null, null, List.of(), null);
        }

        /** A video section we receive as simulcast layers with these rids (smallest first), with RTX. */
        public static Section receiveSimulcast(String mid, List<String> rids) {
            return new Section(mid, "video", Direction.RECVONLY, 0, null, null, List.copyOf(rids), null);
        }

        public static Section send(String mid, String kind, long ssrc, String streamId, String trackId) {
            return send(mid, kind, ssrc, streamId, trackId, "ams");
        }

        /** A section we send one participant's media on, under its {@code cname}. */
        public static Section send(String mid, String kind, long ssrc, String streamId, String trackId, String cname) {
            return new Section(mid, kind, Direction.SENDONLY, ssrc, streamId, trackId, List.of(), cname);
        }

        public static Section inactive(String mid, String kind) {
            return new Section(mid, kind, Direction.INACTIVE, 0, null, null, List.of(), null);
        }
    }

    private OfferBuilder() {
    }

    /**
     * @param sessionId  stays the same for a peer's whole session
     * @param version    incremented with every re-offer
     * @param candidates a=candidate values ("candidate:...") of our single media port
     */
    public static String build(long sessionId, long version, String iceUfrag, String icePwd, String fingerprintSha256,
                               List<String> candidates, List<Section> sections) {
        if (sections.isEmpty()) {
            throw new IllegalArgumentException("an offer needs at least one m-section");
        }
        StringBuilder sb = new StringBuilder(2048);
        line(sb, "v=0");
        line(sb, "o=- " + sessionId + " " + version + " IN IP4 0.0.0.0");
        line(sb, "s=AMS");
        line(sb, "t=0 0");
        List<String> mids = new ArrayList<>();
        for (Section s : sections) {
            mids.add(s.mid());
        }
        line(sb, "a=group:BUNDLE " + String.join(" ", mids));
        line(sb, "a=msid-semantic: WMS *");
        boolean first = true;
        for (Section s : sections) {
            boolean audio = s.kind().equals("audio");
            int pt = audio ? OPUS_PT : VP8_PT;
            boolean rtx = !audio && s.direction() == Direction.RECVONLY;
            line(sb, "m=" + s.kind() + " 9 UDP/TLS/RTP/SAVPF " + pt + (rtx ? " " + RTX_PT : ""));
            line(sb, "c=IN IP4 0.0.0.0");
            line(sb, "a=rtcp:9 IN IP4 0.0.0.0");
            line(sb, "a=ice-ufrag:" + iceUfrag);
            line(sb, "a=ice-pwd:" + icePwd);
            line(sb, "a=fingerprint:sha-256 " + fingerprintSha256);
            line(sb, "a=setup:actpass");
            line(sb, "a=mid:" + s.mid());
            if (audio) {
                line(sb, "a=extmap:" + EXT_AUDIO_LEVEL + " " + URI_AUDIO_LEVEL);
            }
            line(sb, "a=extmap:" + EXT_TRANSPORT_CC + " " + URI_TRANSPORT_CC);
            line(sb, "a=extmap:" + EXT_MID + " " + URI_MID);
            if (!audio) {
                line(sb, "a=extmap:" + EXT_RID + " " + URI_RID);
                line(sb, "a=extmap:" + EXT_REPAIRED_RID + " " + URI_REPAIRED_RID);
            }
            line(sb, "a=" + s.direction().attribute());
            if (s.direction().sends() && s.ssrc() != 0) {
                line(sb, "a=msid:" + s.streamId() + " " + s.trackId());
            }
            line(sb, "a=rtcp-mux");
            if (audio) {
                line(sb, "a=rtpmap:" + pt + " opus/48000/2");
                line(sb, "a=rtcp-fb:" + pt + " transport-cc");
                line(sb, "a=fmtp:" + pt + " minptime=10;useinbandfec=1");
            } else {
                line(sb, "a=rtcp-rsize");
                line(sb, "a=rtpmap:" + pt + " VP8/90000");
                line(sb, "a=rtcp-fb:" + pt + " goog-remb");
                line(sb, "a=rtcp-fb:" + pt + " transport-cc");
                line(sb, "a=rtcp-fb:" + pt + " ccm fir");
                line(sb, "a=rtcp-fb:" + pt + " nack");
                line(sb, "a=rtcp-fb:" + pt + " nack pli");
                if (rtx) {
                    line(sb, "a=rtpmap:" + RTX_PT + " rtx/90000");
                    line(sb, "a=fmtp:" + RTX_PT + " apt=" + pt);
                }
                for (String rid : s.receiveRids()) {
                    line(sb, "a=rid:" + rid + " recv");
                }
                if (!s.receiveRids().isEmpty()) {
                    line(sb, "a=simulcast:recv " + String.join(";", s.receiveRids()));
                }
            }
            if (s.direction().sends() && s.ssrc() != 0) {
                line(sb, "a=ssrc:" + s.ssrc() + " cname:" + (s.cname() == null ? "ams" : s.cname()));
                line(sb, "a=ssrc:" + s.ssrc() + " msid:" + s.streamId() + " " + s.trackId());
            }
            if (first) {
                for (String c : candidates) {
                    line(sb, "a=" + c);
                }
                line(sb, "a=end-of-candidates");
                first = false;
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String l) {
        sb.append(l).append("\r\n");
    }
}
