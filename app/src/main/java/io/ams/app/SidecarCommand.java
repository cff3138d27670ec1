package io.ams.app;

import io.ams.sfu.Sidecar;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ams sidecar}: the WebRTC edge alone, linked to an engine elsewhere. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = "Run the SFU sidecar (web client, signaling, WebRTC media, relay) against an engine.")
public final class SidecarCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SidecarOptions options;

    @Option(names = "--engine", paramLabel = "HOST:PORT", defaultValue = "localhost:50051",
            description = "gRPC address of the engine (default: ${DEFAULT-VALUE}).")
    String engine;

    @Override
    public Integer call() throws Exception {
        Sidecar sidecar = Sidecar.start(options.config(spec.commandLine(), "0.0.0.0", engine));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.close();
            stop.countDown();
        }, "ams-sidecar-shutdown"));
        spec.commandLine().getOut().printf("ams sidecar: web client on port %d, media UDP %d, engine %s (Ctrl-C to stop)%n"
                + "join links: ams ctl token --room ROOM --name NAME --data-dir %s%n", sidecar.httpPort(), sidecar.mediaPort(),
                engine, options.dataDir);
        spec.commandLine().getOut().flush();
        stop.await();
        return Ams.EXIT_OK;
    }
}
