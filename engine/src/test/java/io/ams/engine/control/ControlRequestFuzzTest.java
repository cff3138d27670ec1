package io.ams.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ams.engine.EngineException;
import io.ams.engine.mix.Ids;
import io.ams.engine.mix.OutputSpec;
import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.SetLayoutRequest;
import java.util.Arrays;

/**
 * Fuzz target (Jazzer): the argument validation of the ams.v1.Mixer calls that carry structured
 * arguments, as {@link MixerService} runs it before touching a room: the request bytes as they come off
 * the wire (byte 0 picks CreateRoom, AddOutput or SetLayout), then {@link ProtoMapper} and
 * {@code validate()} - ids, canvas, fps, bitrate, codec, layout kind, regions, background. The
 * contract: a valid spec, or an {@link EngineException} of kind INVALID_ARGUMENT (which the service
 * answers as INVALID_ARGUMENT with its message); never another exception, which would reach the client
 * as UNKNOWN/INTERNAL. Regression inputs: {@code
 * src/test/resources/io/ams/engine/control/ControlRequestFuzzTestInputs/request/}.
 */
class ControlRequestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void request(byte[] data) {
        if (data.length < 1) {
            return;
        }
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        try {
            switch ((data[0] & 0xFF) % 3) {
                case 0 -> {
                    CreateRoomRequest r = CreateRoomRequest.parseFrom(body);
                    Ids.check("room_id", r.getRoomId());
                    valid(ProtoMapper.outputSpec(OutputSpec.MAIN, r.getCanvas(), r.getFps(), r.getCodec(),
                            r.getBitrateKbps(), r.getLayout(), r.hasCanvas()).validate());
                }
                case 1 -> {
                    AddOutputRequest r = AddOutputRequest.parseFrom(body);
                    io.ams.proto.v1.OutputSpec s = r.getSpec();
                    valid(ProtoMapper.outputSpec(s.getId(), s.getCanvas(), s.getFps(), s.getCodec(),
                            s.getBitrateKbps(), s.getLayout(), s.hasCanvas()).validate());
                }
                default -> {
                    SetLayoutRequest r = SetLayoutRequest.parseFrom(body);
                    Ids.check("output_id", r.getOutputId());
                    try {
                        ProtoMapper.layout(r.getLayout()).validate();
                    } catch (IllegalArgumentException e) { // Room.setLayout's translation
                        throw EngineException.invalid("layout: " + e.getMessage());
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            // grpc-java refuses the call before the service sees it
        } catch (EngineException e) {
            assertThat(e.kind()).isEqualTo(EngineException.Kind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isNotBlank();
            assertThat(MixerService.toStatus(e).getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        }
    }

    private static void valid(OutputSpec s) {
        assertThat(s.width()).isBetween(OutputSpec.MIN_SIDE, OutputSpec.MAX_WIDTH);
        assertThat(s.height()).isBetween(OutputSpec.MIN_SIDE, OutputSpec.MAX_HEIGHT);
        assertThat(s.fps()).isBetween(1, OutputSpec.MAX_FPS);
        assertThat(s.layout().regions().size()).isLessThanOrEqualTo(100);
    }
}
