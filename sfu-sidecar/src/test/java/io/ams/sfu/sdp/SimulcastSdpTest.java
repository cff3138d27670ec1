package io.ams.sfu.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulcastSdpTest {
    private static final String FP = SdpTest.FP;

    private static String offer() {
        return OfferBuilder.build(1, 1, "uf", "pw0123456789012345678901", FP, List.of(),
                List.of(OfferBuilder.Section.receive("0", "audio"),
                        OfferBuilder.Section.receiveSimulcast("1", OfferBuilder.CAMERA_RIDS),
                        OfferBuilder.Section.send("2", "video", 77, "ams-main", "main")));
    }

    /** The m-section of {@code sdp} whose a=mid is {@code mid}, as text. */
    private static String section(String sdp, String mid) {
        for (String s : sdp.split("(?=m=)")) {
            if (s.contains("a=mid:" + mid + "\r\n")) {
                return s;
            }
        }
        throw new AssertionError("no section " + mid);
    }

    @Test
    void offerAsksForSimulcastWithRtx() {
        String cam = section(offer(), "1");
        assertThat(cam).startsWith("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n")
                .contains("a=rid:q recv\r\n", "a=rid:h recv\r\n", "a=rid:f recv\r\n")
                .contains("a=simulcast:recv q;h;f\r\n")
                .contains("a=rtpmap:97 rtx/90000\r\n", "a=fmtp:97 apt=96\r\n")
                .contains("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n")
                .contains("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n")
                .contains("a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n")
                .contains("a=recvonly\r\n");
        assertThat(cam.indexOf("a=rid:q")).isLessThan(cam.indexOf("a=rid:h"));
        assertThat(cam.indexOf("a=rid:h")).isLessThan(cam.indexOf("a=rid:f"));
    }

    @Test
    void onlyTheSimulcastSectionHasRids() {
        String o = offer();
        assertThat(section(o, "0")).doesNotContain("a=rid", "a=simulcast", "rtx/90000", "rtp-stream-id");
        assertThat(section(o, "2")).doesNotContain("a=rid", "a=simulcast", "rtx/90000")
                .startsWith("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
    }

    @Test
    void offerRoundTripsThroughTheParser() throws Exception {
        MediaDescription cam = SessionDescription.parse(offer()).byMid("1");
        assertThat(cam.payloadTypes()).containsExactly(96, 97);
        assertThat(cam.payloadTypeOf("rtx")).isEqualTo(OfferBuilder.RTX_PT);
        assertThat(cam.extensionId(OfferBuilder.URI_RID)).isEqualTo(OfferBuilder.EXT_RID);
        assertThat(cam.extensionId(OfferBuilder.URI_REPAIRED_RID)).isEqualTo(OfferBuilder.EXT_REPAIRED_RID);
        assertThat(cam.extensionId(OfferBuilder.URI_MID)).isEqualTo(OfferBuilder.EXT_MID);
        assertThat(cam.simulcastRids()).as("recv rids are ours, not the sender's").isEmpty();
        assertThat(cam.simulcast()).isFalse();
    }

    /** Chrome's answer for the camera section, with the given rid and simulcast lines. */
    private static String answer(String... camLines) {
        StringBuilder sb = new StringBuilder();
        for (String l : List.of("v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 1",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=ice-ufrag:Kq8p",
                "a=ice-pwd:Vb2n2DrbB0mUB1c3sJ2c7hzX", "a=fingerprint:sha-256 " + FP, "a=setup:active", "a=mid:1",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "a=sendonly", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96")) {
            sb.append(l).append("\r\n");
        }
        for (String l : camLines) {
            sb.append(l).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void chromeSimulcastAnswer() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer(
                "a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f")).byMid("1");
        assertThat(cam.simulcastRids()).containsExactly("q", "h", "f");
        assertThat(cam.simulcast()).isTrue();
        assertThat(cam.rtxSsrcs()).isEmpty();
    }

    @Test
    void orderIsTheSimulcastAttributes() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer(
                "a=rid:f send", "a=rid:q send", "a=rid:h send", "a=simulcast:send q;h;f")).byMid("1");
        assertThat(cam.simulcastRids()).containsExactly("q", "h", "f");
    }

    @Test
    void pausedLayersAndAlternatives() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer(
                "a=rid:q send", "a=rid:h send", "a=rid:x send", "a=rid:f send", "a=simulcast:send q;h,x;~f")).byMid("1");
        assertThat(cam.simulcastRids()).containsExactly("q", "h");
        assertThat(cam.simulcast()).isTrue();
    }

    @Test
    void ridsWithoutASendLineAreLeftOut() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer(
                "a=rid:q send", "a=rid:h recv", "a=simulcast:send q;h")).byMid("1");
        assertThat(cam.simulcastRids()).containsExactly("q");
        assertThat(cam.simulcast()).as("one layer is a single stream").isFalse();
    }

    @Test
    void ridsWithoutSimulcastAttributeAreASingleStream() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer("a=rid:q send", "a=rid:h send")).byMid("1");
        assertThat(cam.simulcastRids()).isEmpty();
        assertThat(cam.simulcast()).isFalse();
    }

    @Test
    void nonSimulcastAnswerWithRtxGroup() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer(
                "a=ssrc-group:FID 111 222", "a=ssrc:222 cname:x", "a=ssrc:111 cname:x")).byMid("1");
        assertThat(cam.simulcast()).isFalse();
        assertThat(cam.simulcastRids()).isEmpty();
        assertThat(cam.rtxSsrcs()).isEqualTo(Map.of(111L, 222L));
        assertThat(cam.ssrcs()).first().isEqualTo(111L);
    }

    @Test
    void simGroupIsNoRtx() throws Exception {
        MediaDescription cam = SessionDescription.parse(answer("a=ssrc-group:SIM 1 2 3")).byMid("1");
        assertThat(cam.rtxSsrcs()).isEmpty();
    }

    @Test
    void badRidLineIsAnSdpException() {
        assertThatThrownBy(() -> SessionDescription.parse(answer("a=rid:q")))
                .isInstanceOf(SdpException.class).hasMessageContaining("a=rid");
        assertThatThrownBy(() -> SessionDescription.parse(answer("a=rid:bad!rid send")))
                .isInstanceOf(SdpException.class).hasMessageContaining("a=rid");
        assertThatThrownBy(() -> SessionDescription.parse(answer("a=rid:abcdefghijklmnopq send")))
                .as("17 characters").isInstanceOf(SdpException.class);
    }
}
