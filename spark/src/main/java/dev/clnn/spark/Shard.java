package dev.clnn.spark;

import java.io.Serializable;
import java.util.SplittableRandom;

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
    /**
     * This shard with its rows in a new order, the same batch sizes (so the same firstRows): the layout of an epoch of
     * {@link Shuffle#LOCAL}. The order is a seeded Fisher–Yates permutation keyed by (seed, epoch, partition), so a
     * recomputed shard is the same.
     */
    Shard reshuffled(long seed, int epoch) {
        int rows = offsets[offsets.length - 1];
        int[] order = new int[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L
                + partition);
        for (int r = rows - 1; r > 0; r--) {
            int other = random.nextInt(r + 1);
            int t = order[r];
            order[r] = order[other];
            order[other] = t;
        }
        return new Shard(partition, features, permute(x, order, features), y == null ? null : permute(y, order),
                targetWidth, targets == null ? null : permute(targets, order, targetWidth), offsets, firstRows);
    }

    private static float[] permute(float[] values, int[] order, int width) {
        float[] out = new float[values.length];
        for (int r = 0; r < order.length; r++) {
            System.arraycopy(values, order[r] * width, out, r * width, width);
        }
        return out;
    }

    private static int[] permute(int[] values, int[] order) {
        int[] out = new int[values.length];
        for (int r = 0; r < order.length; r++) {
            out[r] = values[order[r]];
        }
        return out;
    }

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
