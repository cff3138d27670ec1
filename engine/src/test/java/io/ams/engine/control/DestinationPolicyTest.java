package io.ams.engine.control;

import static io.ams.engine.control.MixerServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.EngineConfig;
import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.Status;

/** No reflection (issue 8 part 2): RTP destinations inside the allow-list only, recordings by plain names. */
class DestinationPolicyTest {
    @TempDir
    Path dir;

    @Test
    void cidrBlocksMatchTheirAddressesOnly() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.contains(InetAddress.getByName("10.200.1.2"))).isTrue();
        assertThat(ten.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(ten.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.7").contains(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(Cidr.parse("192.168.1.7").contains(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.31.255.255"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(InetAddress.getByName("172.32.0.0"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::5"))).isTrue();
        assertThat(Cidr.parseList("127.0.0.0/8, ::1")).hasSize(2);
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("IP literals only");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range");
    }

    @Test
    void allowsTheListAndTheCallersOwnAddress() throws Exception {
        DestinationPolicy p = new DestinationPolicy(Cidr.LOOPBACK);
        InetAddress sidecar = InetAddress.getByName("198.51.100.20");
        assertThat(p.allows(InetAddress.getByName("127.0.0.1"), null)).isTrue();
        assertThat(p.allows(InetAddress.getByName("::1"), null)).isTrue();
        assertThat(p.allows(sidecar, null)).isFalse();
        assertThat(p.allows(sidecar, sidecar)).isTrue();
        assertThat(p.allows(InetAddress.getByName("198.51.100.21"), sidecar)).isFalse();
        assertThat(p.allows(InetAddress.getByName("0.0.0.0"), null)).isFalse();
        assertThat(p.allows(InetAddress.getByName("224.0.0.1"), null)).isFalse();
    }

    @Test
    void aDestinationOutsideTheAllowListIsPermissionDenied() throws Exception {
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
            assertStatus(() -> api.addDestination(dest("203.0.113.7", 5004)), Status.Code.PERMISSION_DENIED,
                    "destination 203.0.113.7 is not allowed: RTP goes only to --allow-destinations 127.0.0.0/8,0:0:0:0:0:0:0:1/128");
            assertStatus(() -> api.addDestination(dest("0.0.0.0", 5004)), Status.Code.PERMISSION_DENIED, "not allowed");
            assertThat(api.addDestination(dest("127.0.0.1", 9)).getSenderPort()).isPositive();
            EngineInfo info = api.getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
            assertThat(info.getDestinationsDenied()).isEqualTo(2);
            assertThat(info.getAllowedDestinationsList()).containsExactly("127.0.0.0/8", "0:0:0:0:0:0:0:1/128");
        }
    }

    @Test
    void theOperatorsBlocksAreAllowed() throws Exception {
        EngineConfig c = EngineConfig.ephemeral().withRecordDir(dir);
        c = c.withSecurity(c.security().withAllowDestinations(List.of(Cidr.parse("127.0.0.2/32"))));
        try (EngineHarness h = new EngineHarness(c)) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
            assertThat(api.addDestination(dest("127.0.0.2", 9)).getHost()).isEqualTo("127.0.0.2");
            assertStatus(() -> api.addDestination(dest("127.0.0.1", 9)), Status.Code.PERMISSION_DENIED,
                    "--allow-destinations 127.0.0.2/32");
        }
    }

    @Test
    void recordingNamesArePlainFileNames() throws Exception {
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
            for (String bad : List.of("../escape.webm", "..", "/tmp/abs.webm", "sub/x.webm", "a\\b.webm",
                    "nul\0.webm", ".hidden.webm")) {
                assertStatus(() -> api.addDestination(file(bad)), Status.Code.INVALID_ARGUMENT, "file_name");
            }
            assertThat(api.addDestination(file("ok..name.webm")).getFile()).endsWith("ok..name.webm");
            EngineInfo info = api.getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
            assertThat(info.getFileNamesRefused()).isEqualTo(7);
            assertThat(dir.getParent().resolve("escape.webm")).doesNotExist();
            assertThat(Path.of("/tmp/abs.webm")).doesNotExist();
        }
    }

    private static AddDestinationRequest dest(String host, int port) {
        return AddDestinationRequest.newBuilder().setRoomId("r1").setHost(host).setPort(port).build();
    }

    private static AddDestinationRequest file(String name) {
        return AddDestinationRequest.newBuilder().setRoomId("r1").setFileName(name).build();
    }
}
