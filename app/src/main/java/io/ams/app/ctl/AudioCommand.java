package io.ams.app.ctl;

import io.ams.app.ApiText.HostPort;
import io.ams.proto.v1.AudioOutput;
import io.ams.proto.v1.SetAudioOutputRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl audio <room> <host:port> | --off}: SetAudioOutput. */
@Command(name = "audio", description = "Send the room's mixed audio (mix-minus: each of the loudest speakers gets the mix "
        + "without their own voice, everyone else one shared mix; one RTP stream per participant) to host:port, "
        + "or stop it (--off). The sidecar does this by itself.")
final class AudioCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "HOST:PORT", description = "Where the mixed audio goes.")
    HostPort address;

    @Option(names = "--off", description = "Stop sending the room's mixed audio.")
    boolean off;

    @Option(names = "--pt", paramLabel = "96..127", description = "RTP payload type (default 111).")
    Integer payloadType;

    @Option(names = "--kbps", paramLabel = "8..256", description = "Opus bitrate of each mix (default 32).")
    Integer kbps;

    @Option(names = "--speakers", paramLabel = "1..8", description = "Loudest voices mixed (default 3).")
    Integer speakers;

    @Override
    protected void run(MixerConnection mixer) {
        if ((address == null) == !off) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either HOST:PORT or --off");
        }
        SetAudioOutputRequest.Builder request = SetAudioOutputRequest.newBuilder().setRoomId(roomId);
        if (address != null) {
            request.setHost(address.host()).setPort(address.port());
        }
        if (payloadType != null) {
            request.setPayloadType(PayloadTypes.check(spec, "--pt", payloadType));
        }
        if (kbps != null) {
            request.setBitrateKbps(kbps);
        }
        if (speakers != null) {
            request.setSpeakers(speakers);
        }
        AudioOutput r = mixer.unary().setAudioOutput(request.build());
        print(r, () -> {
            if (r.getActive()) {
                out().printf("room %s: mixed audio to %s (pt %d, %d kbps, %d speakers)%n", roomId,
                        Render.hostPort(r.getHost(), r.getPort()), r.getPayloadType(), r.getBitrateKbps(), r.getSpeakers());
            } else {
                out().printf("room %s: mixed audio off%n", roomId);
            }
        });
    }
}
