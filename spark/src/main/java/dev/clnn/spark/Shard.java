package dev.clnn.spark;

import java.io.Serializable;

/**
 * One partition's samples for one epoch, in epoch order: its shard of global batch b is rows
 * [offsets[b], offsets[b+1]) of x and y. Built once per epoch and cached, so every round's task reads its rows
 * from memory without a shuffle.
 */
record Shard(int partition, int features, float[] x, int[] y, int[] offsets) implements Serializable {
    /** Rows of this shard in global batch b (0 when the batch has fewer rows than there are partitions). */
    int rows(int b) {
        return offsets[b + 1] - offsets[b];
    }

    /** The features of the shard's rows of batch b, (rows, features) row-major. */
    float[] x(int b) {
        float[] out = new float[rows(b) * features];
        System.arraycopy(x, offsets[b] * features, out, 0, out.length);
        return out;
    }

    /** The labels of the shard's rows of batch b. */
    int[] y(int b) {
        int[] out = new int[rows(b)];
        System.arraycopy(y, offsets[b], out, 0, out.length);
        return out;
    }
}
