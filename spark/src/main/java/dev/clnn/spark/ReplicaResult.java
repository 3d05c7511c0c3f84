package dev.clnn.spark;

import java.io.Serializable;

/**
 * What one task returns: its partition, per step of the round the rows it trained on (its weight in the average)
 * and the loss × rows of that step, and its replica's state after them (null when it had no rows).
 */
record ReplicaResult(int partition, int[] stepRows, double[] stepLossSums, ReplicaState state, String device)
        implements Serializable {

    /** The rows trained on over the whole round. */
    int rows() {
        int rows = 0;
        for (int n : stepRows) {
            rows += n;
        }
        return rows;
    }
}
