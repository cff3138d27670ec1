package io.ams.sfu.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SdpTest {
    static final String FP = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    /** The shape of Chromium's answer to our offer (trimmed of attributes we ignore). */
    static final String CHROME_ANSWER = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1 2 3 4",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS 5c6e",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Kq8p",
            "a=ice-pwd:Vb2n2DrbB0mUB1c3sJ2c7hzX",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 " + FP.toLowerCase(),
            "a=setup:active",
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=sendonly",
            "a=msid:5c6e 2f1a",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=ssrc:1111 cname:x",
            "a=ssrc:1111 msid:5c6e 2f1a",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:Kq8p",
            "a=ice-pwd:Vb2n2DrbB0mUB1c3sJ2c7hzX",
            "a=fingerprint:sha-256 " + FP.toLowerCase(),
            "a=setup:active",
            "a=mid:1",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=sendonly",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 nack pli",
            "a=ssrc-group:FID 2222 3333",
            "a=ssrc:3333 cname:x",
            "a=ssrc:2222 cname:x",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 0.0.0.0",
            "a=mid:2",
            "a=recvonly",
            "a=rtpmap:96 VP8/90000",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 0.0.0.0",
            "a=mid:3",
            "a=recvonly",
            "a=rtpmap:96 VP8/90000",
            "m=audio 0 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=mid:4",
            "a=inactive",
            "a=rtpmap:111 opus/48000/2",
            "");

    @Test
    void parsesChromeAnswer() throws Exception {
        SessionDescription d = SessionDescription.parse(CHROME_ANSWER);
        assertThat(d.bundleMids()).containsExactly("0", "1", "2", "3", "4");
        assertThat(d.iceUfrag()).isEqualTo("Kq8p");
        assertThat(d.icePwd()).isEqualTo("Vb2n2DrbB0mUB1c3sJ2c7hzX");
        assertThat(d.fingerprintSha256()).isEqualTo(FP);
        assertThat(d.setup()).isEqualTo("active");
        MediaDescription mic = d.byMid("0");
        assertThat(mic.kind()).isEqualTo("audio");
        assertThat(mic.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(mic.ssrcs()).containsExactly(1111L);
        assertThat(mic.payloadTypeOf("opus")).isEqualTo(111);
        assertThat(mic.extensionId(OfferBuilder.URI_AUDIO_LEVEL)).isEqualTo(1);
        MediaDescription cam = d.byMid("1");
        assertThat(cam.ssrcs()).as("FID primary first").containsExactly(2222L, 3333L);
        assertThat(cam.payloadTypeOf("vp8")).isEqualTo(96);
        assertThat(cam.extensionId(OfferBuilder.URI_TRANSPORT_CC)).isEqualTo(3);
        assertThat(d.byMid("2").direction()).isEqualTo(Direction.RECVONLY);
        assertThat(d.byMid("4").rejected()).isTrue();
        assertThat(d.byMid("9")).isNull();
    }

    @Test
    void offerRoundTripsThroughTheParser() throws Exception {
        String offer = OfferBuilder.build(42, 3, "uf", "pw0123456789012345678901", FP,
                List.of("candidate:1 1 udp 2130706431 10.0.0.5 10000 typ host"),
                List.of(OfferBuilder.Section.receive("0", "audio"), OfferBuilder.Section.receive("1", "video"),
                        OfferBuilder.Section.send("2", "video", 0xDEADBEEFL, "ams-main", "main"),
                        OfferBuilder.Section.send("3", "video", 77, "ams-mix", "mix"),
                        OfferBuilder.Section.send("4", "audio", 78, "ams-p2", "p2-audio"),
                        OfferBuilder.Section.inactive("5", "audio")));
        assertThat(offer).contains("o=- 42 3 IN IP4").contains("a=setup:actpass").contains("a=rtcp-mux")
                .contains("a=end-of-candidates").doesNotContain("\n\n");
        SessionDescription d = SessionDescription.parse(offer);
        assertThat(d.bundleMids()).containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(d.candidates()).containsExactly("candidate:1 1 udp 2130706431 10.0.0.5 10000 typ host");
        assertThat(d.byMid("2").ssrcs()).containsExactly(0xDEADBEEFL);
        assertThat(d.byMid("2").direction()).isEqualTo(Direction.SENDONLY);
        assertThat(d.byMid("4").payloadTypeOf("opus")).isEqualTo(OfferBuilder.OPUS_PT);
        assertThat(d.byMid("5").direction()).isEqualTo(Direction.INACTIVE);
        assertThat(d.byMid("0").extensionId(OfferBuilder.URI_AUDIO_LEVEL)).isEqualTo(OfferBuilder.EXT_AUDIO_LEVEL);
        assertThat(d.byMid("1").extensionId(OfferBuilder.URI_AUDIO_LEVEL)).as("audio level only on audio").isEqualTo(-1);
        assertThat(d.fingerprintSha256()).isEqualTo(FP);
        assertThat(d.byMid("3").rtcpMux()).isTrue();
    }

    @Test
    void rejectsWhatWeCannotUse() {
        assertThatThrownBy(() -> SessionDescription.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SessionDescription.parse("hello")).hasMessageContaining("v=0");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\ns=-\r\n")).hasMessageContaining("no m-sections");
        assertThatThrownBy(() -> SessionDescription.parse(CHROME_ANSWER.replace("a=fingerprint:sha-256 " + FP.toLowerCase(), "a=x")))
                .hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> SessionDescription.parse(CHROME_ANSWER.replace("a=ice-ufrag:Kq8p", "a=x")))
                .hasMessageContaining("ice-ufrag");
        assertThatThrownBy(() -> SessionDescription.parse(CHROME_ANSWER.replace("m=video 9 UDP", "m=video nine UDP")))
                .hasMessageContaining("line 26").hasMessageContaining("not a number");
        assertThatThrownBy(() -> SessionDescription.parse(CHROME_ANSWER.replace("a=ssrc:1111 cname:x", "a=ssrc:-5 cname:x")))
                .hasMessageContaining("a=ssrc");
        assertThatThrownBy(() -> SessionDescription.parse("v=0\r\n" + "x".repeat(SessionDescription.MAX_LENGTH)))
                .hasMessageContaining("longer than the limit");
    }

    @Test
    void mutatedAnswersFailOnlyWithSdpException() {
        Random rnd = new Random(7);
        byte[] base = CHROME_ANSWER.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int parsed = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] b = base.clone();
            for (int k = 0, n = 1 + rnd.nextInt(8); k < n; k++) {
                b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : " :=\r\n0a/".charAt(rnd.nextInt(8)));
            }
            String s = new String(b, 0, rnd.nextInt(b.length + 1), java.nio.charset.StandardCharsets.ISO_8859_1);
            try {
                SessionDescription.parse(s);
                parsed++;
            } catch (SdpException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(parsed).as("some mutations leave a usable SDP").isGreaterThan(0);
    }
}
