package dev.clnn.spark;

import java.io.Serializable;

/**
 * The model and optimiser state the driver broadcasts at the start of a round and averages at its end: every
 * parameter's values and SGD momentum buffer, in {@code model.params()} order, and the model's buffers (batch norm's
 * running statistics). {@code momentum} is null before the first update and without momentum; {@code weights} is
 * null in what a replica returns from a round of gradients (the driver steps), {@code buffers} null where the sender
 * has none to give.
 */
record ReplicaState(float[][] weights, float[][] momentum, ModelBuffers buffers) implements Serializable {

    /** A state without buffers. */
    ReplicaState(float[][] weights, float[][] momentum) {
        this(weights, momentum, null);
    }
}
