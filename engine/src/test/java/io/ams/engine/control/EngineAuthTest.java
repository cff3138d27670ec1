package io.ams.engine.control;

import static io.ams.engine.control.MixerServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ams.engine.ControlSecurity;
import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.auth.ControlToken;
import io.ams.proto.auth.ControlTokenClient;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * Issue 8 part 1 over a real gRPC port on this machine's own non-loopback address (no other host is
 * contacted): the engine refuses to listen there without a token, and with one refuses calls that
 * lack it or carry another.
 */
class EngineAuthTest {

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        String host = nonLoopbackAddress();
        EngineConfig open = EngineConfig.ephemeral().withBind(host, host);
        assertThatThrownBy(() -> Engine.start(open)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--bind " + host + " opens the control API");
    }

    @Test
    void unauthenticatedAndWronglyAuthenticatedCallsAreRefused() throws Exception {
        String host = nonLoopbackAddress();
        ControlToken token = ControlToken.random();
        EngineConfig c = EngineConfig.ephemeral().withBind(host, host);
        c = c.withSecurity(c.security().withToken(token));
        try (Engine engine = Engine.start(c)) {
            ManagedChannel ch = Grpc.newChannelBuilder(hostPort(host, engine.grpcPort()),
                    InsecureChannelCredentials.create()).build();
            try {
                MixerGrpc.MixerBlockingStub none = MixerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
                assertStatus(() -> none.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build()),
                        Status.Code.UNAUTHENTICATED, "missing control token");
                MixerGrpc.MixerBlockingStub wrong = none.withInterceptors(ControlTokenClient.of(ControlToken.random()));
                assertStatus(() -> wrong.getEngineInfo(GetEngineInfoRequest.getDefaultInstance()),
                        Status.Code.UNAUTHENTICATED, "wrong control token");
                MixerGrpc.MixerBlockingStub right = none.withInterceptors(ControlTokenClient.of(token));
                right.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
                var info = right.getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
                assertThat(info.getCallsUnauthenticated()).isEqualTo(2);
                assertThat(info.getControlAuthenticated()).isTrue();
                assertThat(info.getRooms()).isEqualTo(1);
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void insecureControlIsTheOperatorsExplicitChoice() throws Exception {
        String host = nonLoopbackAddress();
        EngineConfig c = EngineConfig.ephemeral().withBind(host, host)
                .withSecurity(new ControlSecurity(null, true, io.ams.engine.control.Cidr.LOOPBACK));
        try (Engine engine = Engine.start(c)) {
            assertThat(engine.grpcPort()).isPositive();
        }
    }

    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** An up, non-loopback address of this machine (IPv4 preferred); the test is skipped without one. */
    static String nonLoopbackAddress() {
        Optional<InetAddress> found = Optional.empty();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && (found.isEmpty() || a instanceof Inet4Address
                            && !(found.get() instanceof Inet4Address))) {
                        found = Optional.of(a);
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // none
        }
        assumeTrue(found.isPresent(), "this machine has no non-loopback address");
        return found.get().getHostAddress().replaceFirst("%.*$", "");
    }
}
