package dev.clnn.spark;

import java.io.Serializable;

/**
 * One synchronous round: global batches [firstBatch, firstBatch + steps) of an epoch, whose first one is step
 * {@code firstStep} of the whole run. A round never crosses an epoch's end.
 */
record Round(int epoch, int firstBatch, int steps, long firstStep) implements Serializable {
}
