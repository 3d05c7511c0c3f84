package dev.clnn.spark;

import java.io.Serializable;

/**
 * The model and optimiser state the driver broadcasts at the start of a round and averages at its end: every
 * parameter's values and SGD momentum buffer, in {@code model.params()} order. {@code momentum} is null before the
 * first update and without momentum.
 */
record ReplicaState(float[][] weights, float[][] momentum) implements Serializable {
}
