package dev.clnn.train;

import java.nio.file.Path;

/**
 * Training stopped on a {@link StopRequest} after a whole step. The message says why, where the run stood and
 * which state was written, e.g. {@code "stopped by SIGINT after step 412 (epoch 4 of 10); state saved to
 * ck/state-000000000412.safetensors"}.
 */
public final class TrainingStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final transient Path state;

    TrainingStoppedException(String reason, long steps, int epoch, int epochs, Path state) {
        super("stopped by " + reason + " after step " + steps + " (epoch " + epoch + " of " + epochs + "); "
                + (state == null ? "no state saved (no checkpoint folder)" : "state saved to " + state));
        this.reason = reason;
        this.state = state;
    }

    /** What asked for the stop, e.g. "SIGINT". */
    public String reason() {
        return reason;
    }

    /** The state written on stopping, or null when the run keeps none. */
    public Path state() {
        return state;
    }
}
