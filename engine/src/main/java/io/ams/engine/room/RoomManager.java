package io.ams.engine.room;

import io.ams.engine.EngineConfig;
import io.ams.proto.v1.Backend;

/** All rooms of an engine (work in progress: filled in by the pipeline commit). */
public final class RoomManager implements AutoCloseable {
    private final EngineConfig config;

    public RoomManager(EngineConfig config) {
        this.config = config;
    }

    public EngineConfig config() {
        return config;
    }

    public Backend backend() {
        return Backend.CPU;
    }

    public String backendReason() {
        return "CPU backend (the GPU backend is not built yet)";
    }

    @Override
    public void close() {
    }
}
