package dev.clnn.spark;

import java.io.Serializable;

/**
 * A run of steps in one barrier job: global batches [firstBatch, firstBatch + steps) of an epoch, whose first is
 * step {@code firstStep} of the run, synchronised every {@code localSteps} steps (K = 1: every step's gradients;
 * K &gt; 1: the replicas' states, averaged). {@code attempt} counts the driver's tries of this segment from 0.
 */
record Segment(int epoch, int firstBatch, int steps, long firstStep, int localSteps, int attempt)
        implements Serializable {
}
