package io.ams.app.ctl;

/**
 * Base of the {@code ams ctl} commands for the engine's Mixer service: opens a
 * {@link MixerConnection} to the inherited {@code --target}, runs the command, closes the connection.
 */
abstract class CtlSubcommand extends GrpcCommand {
    /** Runs the command's calls on {@code mixer}; printing through {@link #out()}. */
    protected abstract void run(MixerConnection mixer);

    @Override
    public final Integer call() {
        String target = ctl().target();
        io.ams.proto.auth.ControlToken token = ctl().controlToken();
        return guarded(target, "the engine", "is 'ams engine' running?", () -> {
            try (MixerConnection mixer = new MixerConnection(target, token)) {
                run(mixer);
            }
        });
    }
}
