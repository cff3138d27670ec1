package io.ams.app.ctl;

import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.GetEngineInfoRequest;
import picocli.CommandLine.Command;

/** {@code ams ctl info}: GetEngineInfo. */
@Command(name = "info", description = "Show the engine's version, backend, media ports and native buffer counts.")
final class InfoCommand extends CtlSubcommand {
    @Override
    protected void run(MixerConnection mixer) {
        EngineInfo info = mixer.unary().getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
        print(info, () -> Render.info(out(), info));
    }
}
