package io.ams.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Start-up settings of an engine process.
 *
 * @param bindHost      address the gRPC server and the media (RTP/UDP) ports bind to
 * @param grpcPort      gRPC control port; 0 picks a free one (see {@link Engine#grpcPort()})
 * @param mediaHost     host name or address told to RTP senders in AddParticipant replies
 * @param mediaPortMin  first UDP port for participants' RTP (inclusive); 0 with max 0: any free port
 * @param mediaPortMax  last UDP port for participants' RTP (inclusive)
 * @param backend       which compositing backend to use
 * @param recordDir     directory for file outputs (recordings, demo output); created on demand
 * @param security      control token, --insecure-control and the RTP destination allow-list
 * @param masterKeyFile the key that wraps every sealed recording's data key (0600, made on first use);
 *                      null: {@code recordDir/master.key}. Kept apart from the recordings (another
 *                      volume, a secrets mount), a copied record directory cannot be read on its own.
 */
public record EngineConfig(String bindHost, int grpcPort, String mediaHost, int mediaPortMin, int mediaPortMax,
                           BackendChoice backend, Path recordDir, ControlSecurity security, Path masterKeyFile) {

    public static final int DEFAULT_GRPC_PORT = 50051;
    public static final int DEFAULT_MEDIA_PORT_MIN = 40000;
    public static final int DEFAULT_MEDIA_PORT_MAX = 40999;

    /** Which compositing backend an engine uses. */
    public enum BackendChoice {
        /** The GPU when one is usable, else the CPU; the log says why. */
        AUTO,
        CPU,
        GPU
    }

    public EngineConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(mediaHost, "mediaHost");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(recordDir, "recordDir");
        Objects.requireNonNull(security, "security");
        if (grpcPort < 0 || grpcPort > 65535) {
            throw new IllegalArgumentException("grpc port " + grpcPort + " is out of range 0..65535");
        }
        boolean anyPort = mediaPortMin == 0 && mediaPortMax == 0;
        if (!anyPort && (mediaPortMin < 1 || mediaPortMax > 65535 || mediaPortMin > mediaPortMax)) {
            throw new IllegalArgumentException("media port range " + mediaPortMin + ".." + mediaPortMax
                    + " is invalid: need 1 <= min <= max <= 65535");
        }
    }

    /** The master key in the record directory. */
    public EngineConfig(String bindHost, int grpcPort, String mediaHost, int mediaPortMin, int mediaPortMax,
                        BackendChoice backend, Path recordDir, ControlSecurity security) {
        this(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, backend, recordDir, security, null);
    }

    /** Where the master key of sealed recordings is. */
    public Path masterKey() {
        return masterKeyFile != null ? masterKeyFile : recordDir.resolve("master.key");
    }

    public EngineConfig withMasterKeyFile(Path file) {
        return new EngineConfig(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, backend, recordDir, security, file);
    }

    /** Without security settings: no token, RTP destinations on loopback only. */
    public EngineConfig(String bindHost, int grpcPort, String mediaHost, int mediaPortMin, int mediaPortMax,
                        BackendChoice backend, Path recordDir) {
        this(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, backend, recordDir,
                ControlSecurity.loopbackDefault());
    }

    /** Loopback-only defaults: gRPC on 127.0.0.1:50051, media ports 40000..40999, backend auto. */
    public static EngineConfig defaults() {
        return new EngineConfig("127.0.0.1", DEFAULT_GRPC_PORT, "127.0.0.1", DEFAULT_MEDIA_PORT_MIN,
                DEFAULT_MEDIA_PORT_MAX, BackendChoice.AUTO, Path.of("recordings"));
    }

    /** Defaults for tests and embedded use: ephemeral gRPC port, media ports chosen by the OS. */
    public static EngineConfig ephemeral() {
        return new EngineConfig("127.0.0.1", 0, "127.0.0.1", 0, 0, BackendChoice.CPU,
                Path.of(System.getProperty("java.io.tmpdir"), "ams-recordings"));
    }

    /** True when media ports are any free port the OS hands out. */
    public boolean anyMediaPort() {
        return mediaPortMin == 0 && mediaPortMax == 0;
    }

    public EngineConfig withGrpcPort(int port) {
        return new EngineConfig(bindHost, port, mediaHost, mediaPortMin, mediaPortMax, backend, recordDir, security, masterKeyFile);
    }

    public EngineConfig withBackend(BackendChoice choice) {
        return new EngineConfig(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, choice, recordDir, security, masterKeyFile);
    }

    public EngineConfig withRecordDir(Path dir) {
        return new EngineConfig(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, backend, dir, security, masterKeyFile);
    }

    public EngineConfig withSecurity(ControlSecurity s) {
        return new EngineConfig(bindHost, grpcPort, mediaHost, mediaPortMin, mediaPortMax, backend, recordDir, s, masterKeyFile);
    }

    /** The gRPC and media ports on another address (and the media host told to senders). */
    public EngineConfig withBind(String bind, String media) {
        return new EngineConfig(bind, grpcPort, media, mediaPortMin, mediaPortMax, backend, recordDir, security, masterKeyFile);
    }
}
