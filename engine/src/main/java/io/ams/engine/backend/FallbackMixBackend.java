package io.ams.engine.backend;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.proto.v1.Backend;

/**
 * An output's backend that survives its hardware: it mixes on the primary backend (the GPU) until
 * that throws {@link BackendFault}, then closes the primary, opens the fallback (the CPU), and mixes
 * the same frame there as a keyframe, so receivers resynchronise at once and nobody is dropped.
 * The fault is logged once, counted, and reported to the listener (the room publishes a
 * BackendChanged event and the policy starts its back-off). From then on this output stays on the
 * fallback; new outputs may try the primary again after the policy's back-off.
 *
 * <p>Owns whichever backend is current and frees it in {@link #close()}.
 */
public final class FallbackMixBackend implements MixBackend {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackMixBackend.class);

    /** Told once, on the output's clock thread, when the output moved to its fallback. */
    public interface Listener {
        void fellBack(BackendFault fault, MixBackend now);
    }

    private final String what;
    private final Supplier<MixBackend> fallback;
    private final Listener listener;
    private MixBackend current;          // owned
    private boolean fellBack;
    private String reason;

    /**
     * @param what     names the output in logs, e.g. "room r1 output main"
     * @param primary  the backend to start on (owned from here on)
     * @param fallback opens the backend to move to; called at most once, on the clock thread
     */
    public FallbackMixBackend(String what, MixBackend primary, Supplier<MixBackend> fallback, Listener listener) {
        this.what = what;
        this.current = primary;
        this.fallback = fallback;
        this.listener = listener;
        this.reason = primary.reason();
    }

    @Override
    public Result mix(Frame frame) {
        try {
            return current.mix(frame);
        } catch (BackendFault fault) {
            if (fellBack) {
                throw fault; // the fallback itself failed: nothing further to move to
            }
            return moveToFallback(frame, fault);
        }
    }

    private Result moveToFallback(Frame frame, BackendFault fault) {
        fellBack = true;
        Backend from = current.kind();
        current.close();
        current = fallback.get();
        reason = current.kind() + " backend after a " + from + " fault: " + fault.getMessage();
        LOG.warn("{}: {} backend failed ({}); continuing on the {} backend with a keyframe", what, from,
                fault.getMessage(), current.kind());
        if (listener != null) {
            try {
                listener.fellBack(fault, this);
            } catch (RuntimeException e) {
                LOG.warn("{}: fallback listener failed: {}", what, e.toString());
            }
        }
        Frame again = new Frame(frame.tiles(), frame.pictures(), frame.names(), frame.layout(), frame.focus(),
                frame.index(), true);
        return current.mix(again);
    }

    /** True once the output moved to its fallback. */
    public boolean fellBack() {
        return fellBack;
    }

    @Override
    public Backend kind() {
        return current.kind();
    }

    @Override
    public String encoderName() {
        return current.encoderName();
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public void close() {
        current.close();
    }
}
