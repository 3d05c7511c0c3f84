package dev.clnn.parallel;

import java.util.Arrays;

/**
 * The rows of a global batch that one replica trains on: rows [offset, offset + rows) of the batch.
 *
 * @param rank   the replica's index, 0 first
 * @param offset the first row
 * @param rows   the number of rows; 0 when the batch has fewer rows than there are replicas
 * @param weight rows / batch rows: the factor that turns the gradient of the shard's mean loss into its part of the
 *               gradient of the batch's mean loss
 */
public record Shard(int rank, int offset, int rows, double weight) {

    /** Whether the replica has any rows to train on in this batch. */
    public boolean isEmpty() {
        return rows == 0;
    }

    /** This shard's slice of a row-major array of {@code rowLength} elements per row; the array itself if whole. */
    float[] slice(float[] all, int rowLength) {
        if (offset == 0 && rows * rowLength == all.length) {
            return all;
        }
        return Arrays.copyOfRange(all, offset * rowLength, (offset + rows) * rowLength);
    }

    /** As {@link #slice(float[], int)} for one int per row. */
    int[] slice(int[] all) {
        if (offset == 0 && rows == all.length) {
            return all;
        }
        return Arrays.copyOfRange(all, offset, offset + rows);
    }
}
