package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.ams.app.ApiText.HostPort;
import io.ams.app.ApiText.PortRange;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.Fit;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.Region;
import picocli.CommandLine.TypeConversionException;

class ApiTextTest {

    @Test
    void sizesParseAndPrintBack() {
        assertThat(ApiText.parseSize("1280x720")).isEqualTo(Canvas.newBuilder().setWidth(1280).setHeight(720).build());
        assertThat(ApiText.size(ApiText.parseSize("640X360"))).isEqualTo("640x360");
        for (String bad : new String[] {"1280", "x720", "1280x", "-1x2", "0x720", "12.5x10", "1280*720"}) {
            assertThatThrownBy(() -> ApiText.parseSize(bad)).as(bad)
                    .isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void codecLayoutAndFitNamesRoundTrip() {
        for (Codec c : new Codec[] {Codec.VP8, Codec.H264}) {
            assertThat(ApiText.parseCodec(ApiText.codec(c))).isEqualTo(c);
        }
        for (LayoutKind k : new LayoutKind[] {LayoutKind.GRID, LayoutKind.FILMSTRIP, LayoutKind.SPEAKER,
                LayoutKind.CUSTOM}) {
            assertThat(ApiText.parseLayout(ApiText.layout(k))).isEqualTo(k);
        }
        for (Fit f : new Fit[] {Fit.LETTERBOX, Fit.CROP}) {
            assertThat(ApiText.parseFit(ApiText.fit(f))).isEqualTo(f);
        }
        assertThat(ApiText.parseCodec("H264")).isEqualTo(Codec.H264);
        assertThatThrownBy(() -> ApiText.parseCodec("vp9")).hasMessageContaining("vp8 or h264");
        assertThatThrownBy(() -> ApiText.parseLayout("mosaic")).hasMessageContaining("grid, filmstrip, speaker or custom");
        assertThatThrownBy(() -> ApiText.parseFit("stretch")).hasMessageContaining("letterbox or crop");
    }

    @Test
    void regionsAreFractionsWithAnOptionalParticipant() {
        assertThat(ApiText.parseRegion("0,0,0.5,1,alice")).isEqualTo(Region.newBuilder()
                .setX(0).setY(0).setWidth(0.5).setHeight(1).setParticipantId("alice").build());
        assertThat(ApiText.parseRegion("0.5,0.25,0.5,0.5").getParticipantId()).isEmpty();
        assertThat(ApiText.region(ApiText.parseRegion("0.5,0.25,0.5,0.5,bob"))).isEqualTo("0.5,0.25,0.5,0.5,bob");
        assertThatThrownBy(() -> ApiText.parseRegion("0,0,1")).hasMessageContaining("x,y,w,h[,participant]");
        assertThatThrownBy(() -> ApiText.parseRegion("0,0,1.5,1")).hasMessageContaining("w 1.5 is outside 0..1");
        assertThatThrownBy(() -> ApiText.parseRegion("0,zero,1,1")).hasMessageContaining("y 'zero' is not a number");
        assertThatThrownBy(() -> ApiText.parseRegion("0,0,0,1")).hasMessageContaining("above 0");
    }

    @Test
    void hostPortsIncludingIpv6() {
        assertThat(ApiText.parseHostPort("127.0.0.1:5004")).isEqualTo(new HostPort("127.0.0.1", 5004));
        assertThat(ApiText.parseHostPort("media.example:40000")).isEqualTo(new HostPort("media.example", 40000));
        assertThat(ApiText.parseHostPort("[::1]:5004")).isEqualTo(new HostPort("::1", 5004));
        assertThat(new HostPort("::1", 5004)).hasToString("[::1]:5004");
        assertThatThrownBy(() -> ApiText.parseHostPort("127.0.0.1")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> ApiText.parseHostPort(":5004")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> ApiText.parseHostPort("h:70000")).hasMessageContaining("out of range 1..65535");
        assertThatThrownBy(() -> ApiText.parseHostPort("h:rtp")).hasMessageContaining("'rtp' is not a number");
    }

    @Test
    void portRangesColoursAndSsrcs() {
        assertThat(ApiText.parsePortRange("40000-40999")).isEqualTo(new PortRange(40000, 40999));
        assertThat(ApiText.parsePortRange("any")).isEqualTo(new PortRange(0, 0));
        assertThatThrownBy(() -> ApiText.parsePortRange("40999-40000")).hasMessageContaining("40999 is above 40000");
        assertThat(ApiText.parseRgb("ff8000")).isEqualTo(0xff8000);
        assertThat(ApiText.parseRgb("#101010")).isEqualTo(0x101010);
        assertThat(ApiText.rgb(0x101010)).isEqualTo("#101010");
        assertThatThrownBy(() -> ApiText.parseRgb("red")).hasMessageContaining("RRGGBB");
        assertThat(ApiText.parseUint32("4294967295")).isEqualTo(-1);
        assertThat(ApiText.parseUint32("0xdeadbeef")).isEqualTo(0xdeadbeef);
        assertThat(ApiText.uint32(0xdeadbeef)).isEqualTo("3735928559");
        assertThatThrownBy(() -> ApiText.parseUint32("4294967296")).hasMessageContaining("unsigned 32-bit");
    }
}
