package io.ams.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ams.engine.EngineConfig;
import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.MixerGrpc;

/**
 * Issue 8 part 3: with another process holding the first media ports, participants still get a
 * port (before the fix: RESOURCE_EXHAUSTED, "ParticipantIngress is not a @Sharable handler").
 */
class MediaPortsBusyTest {
    private static final int SPAN = 8;
    private static final int HELD = 3;

    @Test
    void participantsGetFreePortsWhenTheFirstOnesAreBusy() throws Exception {
        List<DatagramSocket> held = new ArrayList<>();
        int base = holdFirstPortsOfAFreeBlock(held);
        try {
            EngineConfig c = new EngineConfig("127.0.0.1", 0, "127.0.0.1", base, base + SPAN - 1,
                    EngineConfig.BackendChoice.CPU, java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
            try (EngineHarness h = new EngineHarness(c)) {
                MixerGrpc.MixerBlockingStub api = h.stub();
                api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
                List<Integer> ports = new ArrayList<>();
                for (int i = 0; i < SPAN - HELD; i++) {
                    AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                            .setParticipantId("p" + i).build());
                    ports.add(r.getRtpPort());
                }
                assertThat(ports).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isBetween(base + HELD, base + SPAN - 1));
            }
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }

    /** Finds SPAN free UDP ports in a row on loopback and binds the first HELD of them. */
    private static int holdFirstPortsOfAFreeBlock(List<DatagramSocket> held) throws java.io.IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        for (int base = 41500; base < 60000; base += SPAN) {
            List<DatagramSocket> all = new ArrayList<>();
            try {
                for (int p = base; p < base + SPAN; p++) {
                    all.add(new DatagramSocket(new InetSocketAddress(lo, p)));
                }
            } catch (SocketException busy) {
                all.forEach(DatagramSocket::close);
                continue;
            }
            for (int i = HELD; i < SPAN; i++) {
                all.get(i).close();
            }
            held.addAll(all.subList(0, HELD));
            return base;
        }
        throw new SocketException("no block of " + SPAN + " free UDP ports on loopback");
    }
}
