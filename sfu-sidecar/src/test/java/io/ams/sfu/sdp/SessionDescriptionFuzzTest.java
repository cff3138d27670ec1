package io.ams.sfu.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target (Jazzer): any text as the browser's SDP answer, then read the way {@code SfuRoom.answer}
 * reads it (mids 0 and 1, the camera's VP8 payload type, the header extension ids, ICE credentials,
 * fingerprint and candidates). The contract: a description with ICE credentials and a fingerprint,
 * or an {@link SdpException} naming the fault; never another exception. Seeds: Chrome's answers
 * (plain, simulcast) as {@link SdpTest} and {@link SimulcastSdpTest} have them. Regression inputs:
 * {@code src/test/resources/io/ams/sfu/sdp/SessionDescriptionFuzzTestInputs/answer/}.
 */
class SessionDescriptionFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void answer(byte[] data) {
        SessionDescription d;
        try {
            d = SessionDescription.parse(new String(data, StandardCharsets.UTF_8));
        } catch (SdpException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(d.media()).isNotEmpty().hasSizeLessThanOrEqualTo(SessionDescription.MAX_SECTIONS);
        assertThat(d.iceUfrag()).isNotNull();
        assertThat(d.icePwd()).isNotNull();
        assertThat(d.fingerprintSha256()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        d.setup();
        assertThat(d.candidates()).doesNotContainNull();
        assertThat(d.bundleMids()).doesNotContainNull();
        for (String mid : new String[] {"0", "1"}) {
            MediaDescription m = d.byMid(mid);
            if (m == null) {
                continue;
            }
            assertThat(m.direction()).isNotNull();
            m.rejected();
            m.direction().sends();
            assertThat(m.payloadTypeOf("VP8")).isGreaterThanOrEqualTo(-1);
            assertThat(m.payloadTypeOf("rtx")).isGreaterThanOrEqualTo(-1);
            for (String uri : new String[] {OfferBuilder.URI_MID, OfferBuilder.URI_RID, OfferBuilder.URI_REPAIRED_RID}) {
                assertThat(m.extensionId(uri)).isBetween(-1, 255);
            }
            assertThat(m.simulcastRids()).hasSizeLessThanOrEqualTo(8);
            assertThat(m.ssrcs()).allSatisfy(s -> assertThat(s).isBetween(0L, 0xFFFFFFFFL));
        }
    }
}
