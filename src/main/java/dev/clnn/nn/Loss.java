package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;

/**
 * A scalar training objective. {@link #forward} returns a 1-element F32 tensor owned by the loss (overwritten by the
 * next call) and keeps what {@link #backward} needs. Reading the value is the caller's job
 * ({@code backend.readFloats(loss)[0]}): a loss never waits for the device by itself.
 */
public interface Loss extends AutoCloseable {

    /** Makes a run's loss on one backend (each replica of a data-parallel run gets its own). */
    @FunctionalInterface
    interface Factory {
        Loss create(Backend backend);
    }

    /** The loss of {@code input} against {@code target}; both must stay unchanged until {@link #backward}. */
    Tensor forward(Tensor input, Tensor target);

    /** ∂loss/∂input for the last forward pass; overwritten, owned by the loss. */
    Tensor backward();

    @Override
    void close();
}
