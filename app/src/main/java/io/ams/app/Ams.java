package io.ams.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;

import io.ams.app.ctl.CtlCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code ams} command: {@code engine}, {@code ctl}, {@code demo} and {@code mix}.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage error. Commands print through the command
 * line's out/err writers so tests can capture them ({@link #newCommandLine()}).
 */
@Command(name = "ams",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Ams.Version.class,
        description = {"AMS video meeting server. Without a command: engine and sidecar in one process on this machine,",
            "with a demo room and join links printed."},
        subcommands = {EngineCommand.class, SidecarCommand.class, CtlCommand.class, DemoCommand.class, MixCommand.class,
                RecordingCommand.class,
                CommandLine.HelpCommand.class})
public final class Ams implements java.util.concurrent.Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log at DEBUG level for io.ams.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The full {@code ams} command line with converters and error handlers installed. */
    public static CommandLine newCommandLine() {
        CommandLine cmd = new CommandLine(new Ams());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        ApiText.registerConverters(cmd);
        cmd.setParameterExceptionHandler(Ams::usageError);
        cmd.setExecutionStrategy(parseResult -> {
            Logging.verbose(((Ams) cmd.getCommand()).verbose);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (Logging.isVerbose()) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return EXIT_FAILURE;
        });
        return cmd;
    }

    /** A usage error: the message naming the bad flag or value, a hint, exit code 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return EXIT_USAGE;
    }

    @picocli.CommandLine.Mixin
    SidecarOptions sidecar;

    @Option(scope = ScopeType.LOCAL, names = "--room", paramLabel = "ROOM", defaultValue = "demo-room",
            description = "The room the printed join links are for (default: ${DEFAULT-VALUE}).")
    String room;

    @Option(scope = ScopeType.LOCAL, names = "--grpc-port", paramLabel = "PORT", defaultValue = "50051",
            description = "The engine's gRPC port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(scope = ScopeType.LOCAL, names = "--backend", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
            description = "Mixing backend (default: ${DEFAULT-VALUE}: the GPU when usable, else the CPU).")
    io.ams.engine.EngineConfig.BackendChoice backend;

    /** No command: the all-in-one server (engine + sidecar) on this machine. */
    @Override
    public Integer call() throws Exception {
        io.ams.sfu.SidecarConfig sc = sidecar.config(spec.commandLine(), "127.0.0.1", "127.0.0.1:" + grpcPort);
        // the engine listens on loopback only; a control token given to the sidecar protects it too
        io.ams.engine.EngineConfig ec = new io.ams.engine.EngineConfig("127.0.0.1", grpcPort, "127.0.0.1",
                io.ams.engine.EngineConfig.DEFAULT_MEDIA_PORT_MIN, io.ams.engine.EngineConfig.DEFAULT_MEDIA_PORT_MAX,
                backend, java.nio.file.Path.of("recordings"),
                io.ams.engine.ControlSecurity.loopbackDefault().withToken(sc.controlToken()));
        io.ams.sfu.signal.SelfSignedTls selfSigned = sidecar.selfSignedTls(sc);
        if (selfSigned != null) {
            sc = sc.withTls(selfSigned.certFile(), selfSigned.keyFile());
        }
        AllInOne all = AllInOne.start(ec, sc);
        if (sidecar.metricsPort > 0) {
            try {
                all.serveMetrics(sidecar.metricsPort);
            } catch (java.io.IOException e) {
                all.close();
                throw e;
            }
        }
        try {
            sidecar.serveContent(spec.commandLine(), all.sidecar());
        } catch (java.io.IOException | picocli.CommandLine.ParameterException e) {
            all.close();
            throw e;
        }
        if (sidecar.mqttUri != null) {
            try {
                sidecar.serveMqtt(spec.commandLine(), all.sidecar());
            } catch (java.io.IOException | picocli.CommandLine.ParameterException e) {
                all.close();
                throw e;
            }
        }
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            all.close();
            stop.countDown();
        }, "ams-shutdown"));
        JoinLinks.Host host = JoinLinks.host(sc.httpHost(), io.ams.sfu.signal.HostAddresses.reachable());
        all.printWelcome(spec.commandLine().getOut(), host, room, sidecar.dataDir, selfSigned);
        if (sidecar.metricsPort > 0) {
            spec.commandLine().getOut().printf("Metrics (engine and sidecar): %s%n", MetricsFlag.url(sc.grpcHost(), sidecar.metricsPort));
            spec.commandLine().getOut().flush();
        }
        stop.await();
        return EXIT_OK;
    }

    /** {@code --version}: the app version from the jar's Maven metadata, and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "ams " + appVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
            };
        }

        static String appVersion() {
            try (InputStream in = Ams.class.getResourceAsStream("/META-INF/maven/io.ams/ams-app/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version", "unknown");
                }
            } catch (IOException e) {
                // fall through: a development build
            }
            return "(development build)";
        }
    }
}
