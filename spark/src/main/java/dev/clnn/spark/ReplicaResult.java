package dev.clnn.spark;

import java.io.Serializable;

/**
 * What one task returns: its partition, per step of the round the rows it trained on (its weight in the average)
 * and the loss × rows of that step, and either its replica's state after them (a round of local steps) or the
 * gradients of its shard's mean loss (a round of one step whose gradients the driver sums); null when it had no rows.
 */
record ReplicaResult(int partition, int[] stepRows, double[] stepLossSums, ReplicaState state, float[][] gradients,
        String device) implements Serializable {

    /** The result of a round of local steps. */
    ReplicaResult(int partition, int[] stepRows, double[] stepLossSums, ReplicaState state, String device) {
        this(partition, stepRows, stepLossSums, state, null, device);
    }

    /** The rows trained on over the whole round. */
    int rows() {
        int rows = 0;
        for (int n : stepRows) {
            rows += n;
        }
        return rows;
    }
}
