package dev.clnn.optim;

import dev.clnn.backend.Backend;
import dev.clnn.nn.Param;
import java.util.List;

/**
 * Updates a fixed list of parameters from their gradients, one {@link #step} per training step, at the learning rate
 * its schedule gives for the step's index. Its state (momentum buffers and the like) can be read to the host and
 * loaded again, so a training state can be saved, resumed or moved between replicas. Closing releases the state, not
 * the parameters.
 */
public interface Optimizer extends AutoCloseable {

    /** Makes the optimiser of a run for the parameters of one model on {@code backend}. */
    @FunctionalInterface
    interface Factory {
        Optimizer create(Backend backend, List<Param> params, LrSchedule schedule);
    }

    /** One update of every parameter from its current gradient, at rate {@link #currentLr()}; then counts the step. */
    void step();

    /**
     * The learning rate the next {@link #step} uses.
     *
     * @throws IllegalArgumentException when the schedule gives a rate that is not a finite number ≥ 0
     */
    float currentLr();

    /** The number of updates made so far: the step index of the next update. */
    long stepCount();

    /**
     * Host copies of the optimiser's per-parameter buffers, in parameter order; an entry is null where a parameter
     * has none (yet).
     */
    float[][] state();

    /**
     * Replaces the per-parameter buffers by {@code state}, as {@link #state} gives it; a null entry leaves that
     * parameter without one.
     *
     * @throws IllegalArgumentException when the entry count or an entry's length does not match the parameters
     */
    void loadState(float[][] state);

    /**
     * Continues a run: {@code steps} updates counted as taken and the buffers of {@link #loadState}.
     *
     * @throws IllegalArgumentException when steps is negative, or as {@link #loadState}
     */
    void restore(long steps, float[][] state);

    @Override
    void close();
}
