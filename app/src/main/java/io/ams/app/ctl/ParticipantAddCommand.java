package io.ams.app.ctl;

import io.ams.app.ApiText;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Codec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl participant add <room> <id>}: AddParticipant; prints where to send RTP. */
@Command(name = "add", description = "Add a participant and print where to send its RTP video.")
final class ParticipantAddCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT", description = "Participant id, [A-Za-z0-9._-]{1,64}.")
    String participantId;

    @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the id).")
    String name;

    @Option(names = "--codec", paramLabel = "vp8|h264", description = "Codec the participant sends (default vp8).")
    Codec codec;

    @Option(names = "--pt", paramLabel = "96..127", description = "RTP payload type (default 96).")
    Integer payloadType;

    @Option(names = "--ssrc", paramLabel = "N", converter = ApiText.Uint32.class,
            description = "Only accept this SSRC (default: latch the first one seen).")
    Integer ssrc;

    @Option(names = "--audio-pt", paramLabel = "96..127",
            description = "Opus sent to the same port with this payload type goes into the room's audio mix (default: none).")
    Integer audioPayloadType;

    @Option(names = "--audio-level-ext", paramLabel = "1..14",
            description = "The RFC 6464 audio-level header extension id in those packets (default: none, every frame decoded).")
    Integer audioLevelExt;

    @Override
    protected void run(MixerConnection mixer) {
        AddParticipantRequest.Builder request = AddParticipantRequest.newBuilder()
                .setRoomId(roomId).setParticipantId(participantId);
        if (name != null) {
            request.setDisplayName(name);
        }
        if (codec != null) {
            request.setCodec(codec);
        }
        if (payloadType != null) {
            request.setPayloadType(PayloadTypes.check(spec, "--pt", payloadType));
        }
        if (ssrc != null) {
            request.setSsrc(ssrc);
        }
        if (audioPayloadType != null) {
            request.setAudioPayloadType(PayloadTypes.check(spec, "--audio-pt", audioPayloadType));
        }
        if (audioLevelExt != null) {
            request.setAudioLevelExtId(audioLevelExt);
        }
        AddParticipantResponse response = mixer.unary().addParticipant(request.build());
        print(response, () -> {
            out().printf("participant %s added to room %s: send RTP (%s, pt %d) to %s%n",
                    participantId, roomId, ApiText.codec(response.getParticipant().getCodec()),
                    response.getParticipant().getPayloadType(),
                    Render.hostPort(response.getRtpHost(), response.getRtpPort()));
            if (response.getParticipant().getAudioPayloadType() != 0) {
                out().printf("  audio: Opus pt %d to the same port; their mixed audio comes as SSRC %s%n",
                        response.getParticipant().getAudioPayloadType(), Integer.toUnsignedString(response.getMixAudioSsrc()));
            }
        });
    }
}
