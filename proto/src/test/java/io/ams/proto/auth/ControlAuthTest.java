package io.ams.proto.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;

/** The control token: its file, its comparison, the interceptors on both sides, the start-up rule. */
class ControlAuthTest {
    @TempDir
    Path dir;
    Server server;
    ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void tokenFileIsMadeOnceWithOwnerOnlyPermissions() throws Exception {
        Path file = dir.resolve("sub/control.token");
        ControlToken made = ControlToken.loadOrCreate(file);
        assertThat(Files.readString(file).strip()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        ControlToken again = ControlToken.loadOrCreate(file);
        assertThat(again.value()).isEqualTo(made.value());
        assertThat(made.toString()).doesNotContain(made.value());
        assertThat(ControlToken.random().value()).isNotEqualTo(made.value());
    }

    @Test
    void processesStartingTogetherAgreeOnOneToken() throws Exception {
        Path file = dir.resolve("race/control.token");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> ControlToken.loadOrCreate(file).value()));
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (var f : futures) {
                seen.add(f.get());
            }
            assertThat(seen).containsExactly(Files.readString(file).strip());
            try (var left = Files.list(file.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("control.token");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void matchesOnlyTheSameToken() {
        ControlToken t = ControlToken.of("0123456789abcdef-secret");
        assertThat(t.matches("0123456789abcdef-secret")).isTrue();
        assertThat(t.matches("0123456789abcdef-secreT")).isFalse();
        assertThat(t.matches("0123456789abcdef-secret2")).isFalse();
        assertThat(t.matches("")).isFalse();
        assertThat(t.matches(null)).isFalse();
        assertThatThrownBy(() -> ControlToken.of("short")).hasMessageContaining("at least 16");
    }

    @Test
    void fileComesBeforeTheEnvironment() throws Exception {
        Map<String, String> env = Map.of(ControlToken.ENV, "from-the-environment-123");
        assertThat(ControlToken.resolve(null, env)).map(ControlToken::value).contains("from-the-environment-123");
        assertThat(ControlToken.resolve(null, Map.of())).isEmpty();
        Path file = dir.resolve("t");
        Files.writeString(file, "from-the-file-0123456789\n");
        assertThat(ControlToken.resolve(file, env)).map(ControlToken::value).contains("from-the-file-0123456789");
    }

    @Test
    void callsWithoutOrWithAWrongTokenAreUnauthenticated() throws Exception {
        ControlToken token = ControlToken.random();
        ControlAuthInterceptor auth = ControlAuthInterceptor.requiring(token);
        start(auth);
        assertUnauthenticated(MixerGrpc.newBlockingStub(channel), "missing control token");
        assertUnauthenticated(MixerGrpc.newBlockingStub(channel).withInterceptors(
                ControlTokenClient.of(ControlToken.random())), "wrong control token");
        EngineInfo ok = MixerGrpc.newBlockingStub(channel).withInterceptors(ControlTokenClient.of(token))
                .getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
        assertThat(ok.getVersion()).isEqualTo("test");
        assertThat(auth.refused()).isEqualTo(2);
    }

    @Test
    void anOpenServerLetsEveryCallThrough() throws Exception {
        start(ControlAuthInterceptor.open());
        assertThat(MixerGrpc.newBlockingStub(channel).getEngineInfo(GetEngineInfoRequest.getDefaultInstance())
                .getVersion()).isEqualTo("test");
    }

    @Test
    void serversBeyondLoopbackNeedATokenOrInsecure() {
        assertThat(ControlExposure.refusal("--bind", "127.0.0.1", false, false)).isNull();
        assertThat(ControlExposure.refusal("--bind", "::1", false, false)).isNull();
        assertThat(ControlExposure.refusal("--bind", "0.0.0.0", true, false)).isNull();
        assertThat(ControlExposure.refusal("--bind", "0.0.0.0", false, true)).isNull();
        assertThat(ControlExposure.refusal("--bind", "0.0.0.0", false, false))
                .startsWith("--bind 0.0.0.0 opens the control API")
                .contains("--control-token-file").contains("--insecure-control").doesNotContain("\n");
    }

    private void assertUnauthenticated(MixerGrpc.MixerBlockingStub stub, String why) {
        assertThatThrownBy(() -> stub.getEngineInfo(GetEngineInfoRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).contains(why);
                });
    }

    private void start(ControlAuthInterceptor auth) throws Exception {
        String name = "auth-" + UUID.randomUUID();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new MixerGrpc.MixerImplBase() {
                    @Override
                    public void getEngineInfo(GetEngineInfoRequest req, StreamObserver<EngineInfo> out) {
                        out.onNext(EngineInfo.newBuilder().setVersion("test").build());
                        out.onCompleted();
                    }
                }, auth)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }
}
