package io.ams.sfu.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed remote description (the browser's answer). Only what an SFU needs is kept: ICE
 * credentials, the DTLS fingerprint and role, and per m-section mid, direction, codecs, SSRCs and
 * header extension ids. Session-level ICE and fingerprint attributes are inherited by every section.
 *
 * <p>Parsing is strict about what we rely on (a usable fingerprint, ICE credentials, mids for
 * BUNDLE) and lenient about everything else: unknown attributes are ignored, never fatal. Input is
 * untrusted: sizes are bounded and every failure is an {@link SdpException} naming the line.
 */
public final class SessionDescription {
    /** Longer than any real browser SDP for a meeting of a few hundred people. */
    public static final int MAX_LENGTH = 256 * 1024;
    static final int MAX_SECTIONS = 512;

    private final List<MediaDescription> media;
    private final List<String> bundleMids;

    private SessionDescription(List<MediaDescription> media, List<String> bundleMids) {
        this.media = List.copyOf(media);
        this.bundleMids = List.copyOf(bundleMids);
    }

    public List<MediaDescription> media() {
        return media;
    }

    public List<String> bundleMids() {
        return bundleMids;
    }

    /** The section with this mid, or null. */
    public MediaDescription byMid(String mid) {
        for (MediaDescription m : media) {
            if (mid.equals(m.mid())) {
                return m;
            }
        }
        return null;
    }

    /** ICE ufrag of the first non-rejected section (BUNDLE: they share a transport). */
    public String iceUfrag() {
        return first().iceUfrag();
    }

    public String icePwd() {
        return first().icePwd();
    }

    /** sha-256 fingerprint as upper-case colon-separated hex. */
    public String fingerprintSha256() {
        return first().fingerprint();
    }

    /** a=setup of the remote: "active", "passive" or "actpass". */
    public String setup() {
        return first().setup();
    }

    /** Every a=candidate in the description. */
    public List<String> candidates() {
        List<String> out = new ArrayList<>();
        for (MediaDescription m : media) {
            out.addAll(m.candidates());
        }
        return out;
    }

    private MediaDescription first() {
        for (MediaDescription m : media) {
            if (!m.rejected()) {
                return m;
            }
        }
        return media.get(0);
    }

    public static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw new SdpException("SDP of " + sdp.length() + " characters is longer than the limit of " + MAX_LENGTH);
        }
        String[] lines = sdp.split("\r?\n");
        if (!lines[0].startsWith("v=0")) {
            throw new SdpException("SDP must start with v=0, found '" + abbreviate(lines[0]) + "'");
        }
        Builder session = new Builder(null);
        List<Builder> sections = new ArrayList<>();
        List<String> bundle = new ArrayList<>();
        Builder cur = session;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("line " + lineNo + " is not of the form x=...: '" + abbreviate(line) + "'");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                if (sections.size() >= MAX_SECTIONS) {
                    throw new SdpException("more than " + MAX_SECTIONS + " m-sections");
                }
                cur = new Builder(session);
                cur.parseMLine(value, lineNo);
                sections.add(cur);
            } else if (type == 'a') {
                if (cur == session && value.startsWith("group:BUNDLE")) {
                    String[] parts = value.split(" ");
                    for (int i = 1; i < parts.length; i++) {
                        bundle.add(parts[i]);
                    }
                } else {
                    cur.attribute(value, lineNo);
                }
            }
        }
        if (sections.isEmpty()) {
            throw new SdpException("SDP has no m-sections");
        }
        List<MediaDescription> media = new ArrayList<>();
        for (Builder b : sections) {
            media.add(b.build());
        }
        SessionDescription d = new SessionDescription(media, bundle);
        MediaDescription f = d.first();
        if (f.iceUfrag() == null || f.icePwd() == null) {
            throw new SdpException("SDP has no a=ice-ufrag / a=ice-pwd");
        }
        if (f.fingerprint() == null) {
            throw new SdpException("SDP has no a=fingerprint:sha-256 (DTLS-SRTP needs it)");
        }
        return d;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static final class Builder {
        final Builder session;
        String kind;
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        Map<Integer, String> rtpmap = new LinkedHashMap<>();
        String mid;
        Direction direction;
        List<Long> ssrcs = new ArrayList<>();
        Map<Long, Long> rtxOf = new LinkedHashMap<>(); // media SSRC -> RTX SSRC (a=ssrc-group:FID)
        List<String> sendRids = new ArrayList<>();
        String simulcast;
        Map<Integer, String> extmap = new LinkedHashMap<>();
        List<String> candidates = new ArrayList<>();
        String ufrag;
        String pwd;
        String fingerprint;
        String setup;
        boolean rtcpMux;

        Builder(Builder session) {
            this.session = session;
        }

        void parseMLine(String v, int lineNo) throws SdpException {
            String[] p = v.split(" ");
            if (p.length < 3) {
                throw new SdpException("line " + lineNo + ": m-line needs media, port and protocol: '" + abbreviate(v) + "'");
            }
            kind = p[0];
            try {
                port = Integer.parseInt(p[1].contains("/") ? p[1].substring(0, p[1].indexOf('/')) : p[1]);
            } catch (NumberFormatException e) {
                throw new SdpException("line " + lineNo + ": m-line port '" + abbreviate(p[1]) + "' is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new SdpException("line " + lineNo + ": m-line port " + port + " is out of range 0..65535");
            }
            for (int i = 3; i < p.length; i++) {
                try {
                    pts.add(Integer.parseInt(p[i]));
                } catch (NumberFormatException e) {
                    // "webrtc-datachannel" and friends: not an RTP payload type
                }
            }
        }

        void attribute(String v, int lineNo) throws SdpException {
            int colon = v.indexOf(':');
            String name = colon < 0 ? v : v.substring(0, colon);
            String val = colon < 0 ? "" : v.substring(colon + 1);
            switch (name) {
                case "mid" -> mid = val;
                case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = Direction.parse(name);
                case "ice-ufrag" -> ufrag = val;
                case "ice-pwd" -> pwd = val;
                case "setup" -> setup = val;
                case "rtcp-mux" -> rtcpMux = true;
                case "candidate" -> candidates.add(v);
                case "fingerprint" -> {
                    int sp = val.indexOf(' ');
                    if (sp > 0 && val.substring(0, sp).equalsIgnoreCase("sha-256")) {
                        String hex = val.substring(sp + 1).strip().toUpperCase(java.util.Locale.ROOT);
                        if (!hex.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")) {
                            throw new SdpException("line " + lineNo + ": a=fingerprint sha-256 value is not 32 hex bytes");
                        }
                        fingerprint = hex;
                    }
                }
                case "rtpmap" -> {
                    int sp = val.indexOf(' ');
                    Integer pt = sp > 0 ? parseIntOrNull(val.substring(0, sp)) : null;
                    if (pt == null) {
                        throw new SdpException("line " + lineNo + ": bad a=rtpmap '" + abbreviate(val) + "'");
                    }
                    rtpmap.put(pt, val.substring(sp + 1).strip());
                }
                case "extmap" -> {
                    int sp = val.indexOf(' ');
                    String idPart = sp > 0 ? val.substring(0, sp) : val;
                    int slash = idPart.indexOf('/');
                    Integer id = parseIntOrNull(slash > 0 ? idPart.substring(0, slash) : idPart);
                    if (id == null || id < 1 || id > 255 || sp < 0) {
                        throw new SdpException("line " + lineNo + ": bad a=extmap '" + abbreviate(val) + "'");
                    }
                    String rest = val.substring(sp + 1).strip();
                    int sp2 = rest.indexOf(' ');
                    extmap.put(id, sp2 > 0 ? rest.substring(0, sp2) : rest);
                }
                case "ssrc" -> {
                    int sp = val.indexOf(' ');
                    Long ssrc = parseLongOrNull(sp > 0 ? val.substring(0, sp) : val);
                    if (ssrc == null || ssrc < 0 || ssrc > 0xFFFFFFFFL) {
                        throw new SdpException("line " + lineNo + ": bad a=ssrc '" + abbreviate(val) + "'");
                    }
                    if (!ssrcs.contains(ssrc)) {
                        ssrcs.add(ssrc);
                    }
                }
                case "ssrc-group" -> {
                    // FID/SIM groups list the primary SSRC first: make sure it comes first in our list
                    String[] p = val.split(" ");
                    if (p.length > 1) {
                        Long primary = parseLongOrNull(p[1]);
                        if (primary != null) {
                            ssrcs.remove(primary);
                            ssrcs.add(0, primary);
                        }
                        Long repair = p.length > 2 ? parseLongOrNull(p[2]) : null;
                        if (p[0].equals("FID") && primary != null && repair != null && rtxOf.size() < 16) {
                            rtxOf.put(primary, repair);
                        }
                    }
                }
                case "rid" -> {
                    // a=rid:<id> send|recv [...]: RFC 8851; ids are 1..16 alphanumerics, '-' or '_'
                    String[] p = val.split(" ");
                    if (p.length < 2 || !p[0].matches("[A-Za-z0-9_-]{1,16}")) {
                        throw new SdpException("line " + lineNo + ": bad a=rid '" + abbreviate(val) + "'");
                    }
                    if (p[1].equals("send") && !sendRids.contains(p[0]) && sendRids.size() < 8) {
                        sendRids.add(p[0]);
                    }
                }
                case "simulcast" -> simulcast = val.strip();
                default -> {
                    // not needed by the SFU
                }
            }
        }

        MediaDescription build() {
            return new MediaDescription(kind, port, List.copyOf(pts), Collections.unmodifiableMap(rtpmap), mid,
                    direction != null ? direction : session.direction != null ? session.direction : Direction.SENDRECV,
                    List.copyOf(ssrcs), Collections.unmodifiableMap(extmap), List.copyOf(candidates),
                    ufrag != null ? ufrag : session.ufrag, pwd != null ? pwd : session.pwd,
                    fingerprint != null ? fingerprint : session.fingerprint,
                    setup != null ? setup : session.setup, rtcpMux, simulcastSendRids(), Map.copyOf(rtxOf));
        }

        /**
         * The rids this section sends as simulcast: those of {@code a=simulcast:send} (RFC 8853; alternatives
         * separated by ',' count by their first choice, paused ones marked '~' are left out) that also have an
         * {@code a=rid:... send} line, in the simulcast attribute's order. Empty: a single stream.
         */
        private List<String> simulcastSendRids() {
            if (simulcast == null || sendRids.isEmpty()) {
                return List.of();
            }
            String[] p = simulcast.split(" ");
            for (int i = 0; i + 1 < p.length; i += 2) {
                if (p[i].equals("send")) {
                    List<String> out = new ArrayList<>();
                    for (String stream : p[i + 1].split(";")) {
                        String first = stream.split(",")[0];
                        if (!first.startsWith("~") && sendRids.contains(first) && !out.contains(first)) {
                            out.add(first);
                        }
                    }
                    return List.copyOf(out);
                }
            }
            return List.of();
        }

        private static Integer parseIntOrNull(String s) {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static Long parseLongOrNull(String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
