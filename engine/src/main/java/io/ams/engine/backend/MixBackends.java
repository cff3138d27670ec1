package io.ams.engine.backend;

import io.ams.engine.codec.EncoderConfig;

/**
 * Opens the backend of a new room output. The engine has one ({@link BackendPolicy}); rooms and
 * outputs ask it and never choose themselves.
 */
public interface MixBackends {

    /** Told when an output's backend moved (a fault), for events and counters. */
    interface Events {
        void backendChanged(String roomId, String outputId, MixBackend now, BackendFault fault);
    }

    /**
     * A backend for one output.
     *
     * @param events told when this output's backend changes later; may be null
     * @throws io.ams.engine.EngineException when not even the CPU backend can be opened
     */
    MixBackend open(String roomId, String outputId, EncoderConfig config, Events events);

    /** Every output on the CPU, with the given reason: the engine without a GPU, and tests. */
    static MixBackends cpu(String reason) {
        return (roomId, outputId, config, events) -> CpuMixBackend.open(config, reason);
    }
}
