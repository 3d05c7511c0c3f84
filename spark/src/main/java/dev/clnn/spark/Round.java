package dev.clnn.spark;

import java.io.Serializable;

/**
 * One synchronous round: global batches [firstBatch, firstBatch + steps) of an epoch, whose first one is step
 * {@code firstStep} of the whole run. A round never crosses an epoch's end. A round of {@code gradientsOnly} is one
 * step whose replicas return their gradients for the driver to sum and apply, instead of stepping themselves.
 */
record Round(int epoch, int firstBatch, int steps, long firstStep, boolean gradientsOnly) implements Serializable {
    Round {
        if (gradientsOnly && steps != 1) {
            throw new IllegalArgumentException("a round of gradients is one step, not " + steps);
        }
    }
}
