package dev.clnn.spark;

import java.io.Serializable;

/**
 * One partition's samples for one epoch, in epoch order: its shard of global batch b is rows
 * [offsets[b], offsets[b+1]) of x, y and targets. Built once per epoch and cached, so every round's task reads its
 * rows from memory without a shuffle.
 *
 * @param y           the class labels, (rows), or null when the samples have none
 * @param targetWidth float targets per row, 0 when the samples have none
 * @param targets     the float targets, (rows, targetWidth) row-major, or null when the samples have none
 */
record Shard(int partition, int features, float[] x, int[] y, int targetWidth, float[] targets, int[] offsets,
        int[] firstRows)
        implements Serializable {
    /** Where this shard's rows start within global batch b: what dropout's draws are keyed by, as on one device. */
    int firstRow(int b) {
        return firstRows[b];
    }

    /** Rows of this shard in global batch b (0 when the batch has fewer rows than there are partitions). */
    int rows(int b) {
        return offsets[b + 1] - offsets[b];
    }

    /** The features of the shard's rows of batch b, (rows, features) row-major. */
    float[] x(int b) {
        return rowsOf(x, b, features);
    }

    /** The labels of the shard's rows of batch b, or null when the samples have none. */
    int[] y(int b) {
        if (y == null) {
            return null;
        }
        int[] out = new int[rows(b)];
        System.arraycopy(y, offsets[b], out, 0, out.length);
        return out;
    }

    /** The float targets of the shard's rows of batch b, (rows, targetWidth) row-major, or null when none. */
    float[] targets(int b) {
        return targets == null ? null : rowsOf(targets, b, targetWidth);
    }

    private float[] rowsOf(float[] values, int b, int width) {
        float[] out = new float[rows(b) * width];
        System.arraycopy(values, offsets[b] * width, out, 0, out.length);
        return out;
    }
}
