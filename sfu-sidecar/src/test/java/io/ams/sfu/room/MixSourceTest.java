package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.ams.proto.v1.Destination;
import io.ams.sfu.engine.EngineLinkMixSender;

/** Issue 8 part 7: a room's mix socket takes datagrams from the engine's sending address only. */
class MixSourceTest {
    @Test
    void nothingIsTakenBeforeTheEngineSaidWhereItSendsFrom() {
        MixSource m = new MixSource();
        assertThat(m.accepts(new InetSocketAddress("127.0.0.1", 4000))).isFalse();
        assertThat(m.wrongSender()).isEqualTo(1);
        assertThat(m.describe()).isEmpty();
    }

    @Test
    void onlyTheEnginesAddressIsTaken() {
        MixSource m = new MixSource();
        m.expect(new InetSocketAddress("192.0.2.10", 4000));
        assertThat(m.accepts(new InetSocketAddress("192.0.2.10", 4000))).isTrue();
        assertThat(m.accepts(new InetSocketAddress("192.0.2.10", 4001))).isFalse();
        assertThat(m.accepts(new InetSocketAddress("192.0.2.11", 4000))).isFalse();
        assertThat(m.wrongSender()).isEqualTo(2);
        m.expect(new InetSocketAddress("127.0.0.1", 5000));
        assertThat(m.accepts(new InetSocketAddress("::1", 5000))).as("loopback is one host").isTrue();
        assertThat(m.describe()).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void anEngineThatDoesNotSayLeavesTheMixUnpinned() {
        MixSource m = new MixSource();
        m.expect(new InetSocketAddress("127.0.0.1", 0));
        assertThat(m.accepts(new InetSocketAddress("192.0.2.99", 1234))).isTrue();
    }

    @Test
    void theSenderComesFromTheEnginesDestination() {
        Destination d = Destination.newBuilder().setSenderHost("192.0.2.10").setSenderPort(4000).build();
        assertThat(EngineLinkMixSender.of(d, new InetSocketAddress("192.0.2.20", 6000)))
                .isEqualTo(new InetSocketAddress("192.0.2.10", 4000));
        assertThat(EngineLinkMixSender.of(d, new InetSocketAddress("127.0.0.1", 6000)))
                .as("a mix sent to loopback comes from loopback").isEqualTo(new InetSocketAddress("127.0.0.1", 4000));
    }
}
