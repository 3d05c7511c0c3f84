package dev.clnn.train;

/**
 * A request that training stop at the end of a step: the {@link Trainer} then writes a state (when it keeps states)
 * and throws {@link TrainingStoppedException}. The CLI requests it from Ctrl-C and SIGTERM; a library user may
 * request it from any thread, or plan it for a given step (a time-boxed job that resumes later, a test).
 */
public final class StopRequest {
    private volatile String reason;
    private volatile long atStep = Long.MAX_VALUE;

    /** Asks for a stop after the step in progress; the first reason given is the one reported. */
    public synchronized void stop(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** Plans a stop once {@code steps} optimiser steps of the run are done. */
    public void stopAtStep(long steps) {
        atStep = steps;
    }

    /** Whether the run should stop now, with {@code steps} optimiser steps done. */
    public boolean requested(long steps) {
        if (reason == null && steps >= atStep) {
            stop("the planned stop at step " + atStep);
        }
        return reason != null;
    }

    /** Why the stop was asked for (e.g. "SIGINT"), or null. */
    public String reason() {
        return reason;
    }
}
