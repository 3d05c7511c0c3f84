package dev.clnn.data;

/**
 * One mini-batch handed out by {@link BatchIterator}. Arrays are sized exactly to {@link #rows()}, so a partial
 * last batch has shorter arrays. A batch is reused: the iterator overwrites it on the next full batch, so copy
 * anything that must outlive the step.
 */
public final class Batch {
    private final float[] x; // (rows, features), row-major
    private final int[] y; // (rows), or null when the data set has no labels
    private final float[] targets; // (rows, targetWidth), or null when it has no float targets
    private final int[] indices; // (rows): position of each row in the data set
    private final int rows;

    Batch(int rows, int features, boolean labels, int targetWidth) {
        this.x = new float[rows * features];
        this.y = labels ? new int[rows] : null;
        this.targets = targetWidth > 0 ? new float[rows * targetWidth] : null;
        this.indices = new int[rows];
        this.rows = rows;
    }

    /** The samples, (rows, features) row-major. */
    public float[] x() {
        return x;
    }

    /** The labels, (rows), or null when the data set has none. */
    public int[] y() {
        return y;
    }

    /** The float targets, (rows, width) row-major, or null when the data set has none. */
    public float[] targets() {
        return targets;
    }

    /** For each row, the index of its sample in the data set, (rows). */
    public int[] indices() {
        return indices;
    }

    /** Rows in this batch: the batch size, or fewer for the last batch of an epoch. */
    public int rows() {
        return rows;
    }
}
