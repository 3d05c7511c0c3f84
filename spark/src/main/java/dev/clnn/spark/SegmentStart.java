package dev.clnn.spark;

import java.io.Serializable;

/**
 * What the driver broadcasts at the start of a barrier segment: the model's weights and buffers, and the optimiser's
 * state and step count (K = 1, where each replica takes the run's optimiser steps) or the momentum buffers of local
 * SGD (K &gt; 1, as a round of jobs carries them).
 *
 * @param optimizerSteps the updates taken so far (K = 1), the step index of the segment's first update
 */
record SegmentStart(ReplicaState state, long optimizerSteps) implements Serializable {
}
