package dev.clnn.train;

/**
 * A request, from any thread, that training stop at the end of the step it is in: the {@link Trainer} then writes
 * a state (when it keeps states) and throws {@link TrainingStoppedException}. The CLI sets it from Ctrl-C and
 * SIGTERM; a library user may set it from anywhere.
 */
public final class StopRequest {
    private volatile String reason;

    /** Asks for a stop; the first reason given is the one reported. */
    public synchronized void stop(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** Whether a stop was asked for. */
    public boolean requested() {
        return reason != null;
    }

    /** Why the stop was asked for (e.g. "SIGINT"), or null. */
    public String reason() {
        return reason;
    }
}
