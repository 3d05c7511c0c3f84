package dev.clnn.train;

import java.util.List;

/**
 * Watches a run's training steps for the epoch loop, e.g. to profile them ({@code clnn train --profile}): told when
 * each step ends and when work that is not a step (set-up, evaluation) has run, and asked at the end for lines to
 * print before the last one.
 */
public interface StepObserver {
    /** Watches nothing and reports nothing. */
    StepObserver NONE = new StepObserver() {
        @Override
        public void stepDone(long nanos) {
        }

        @Override
        public void otherWorkDone() {
        }

        @Override
        public List<String> report() {
            return List.of();
        }
    };

    /** A step ended, having taken {@code nanos} of wall time with the device waited for (0 where not timed). */
    void stepDone(long nanos);

    /** Work that is not a training step has run since the last call (set-up, evaluation): leave it out. */
    void otherWorkDone();

    /** The lines to print before the run's last line; empty for none. */
    List<String> report();
}
