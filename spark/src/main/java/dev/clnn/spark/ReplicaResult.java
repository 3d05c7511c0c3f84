package dev.clnn.spark;

import java.io.Serializable;

/**
 * What one task returns: its partition, the rows it trained on this round (its weight in the average), the sum of
 * loss × rows over its steps, and its replica's state after them (null weights when it had no rows).
 */
record ReplicaResult(int partition, int rows, double lossSum, ReplicaState state, String device)
        implements Serializable {
}
