/**
 * The training step and the epoch loop ({@link dev.clnn.train.Trainer}), evaluation, progress, metrics and the
 * checkpoints of a run. Depends on the neutral API, {@code nn}, {@code optim}, {@code model}, {@code data},
 * {@code checkpoint} and {@code plot}; of the backends it knows only the profiling decorator, whose profile it prints
 * when its backend is one.
 */
package dev.clnn.train;
