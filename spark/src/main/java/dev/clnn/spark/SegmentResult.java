package dev.clnn.spark;

import java.io.Serializable;

/**
 * What a barrier segment's task returns: per step the batch's rows and loss × rows over all partitions (every task
 * saw every step's results), and from partition 0 only the state after the last step (the replicas hold the same
 * one): weights, buffers, and the optimiser's state (K = 1) or the averaged momentum (K &gt; 1); null elsewhere.
 */
record SegmentResult(int partition, int[] stepRows, double[] stepLossSums, ReplicaState state, String device)
        implements Serializable {
}
