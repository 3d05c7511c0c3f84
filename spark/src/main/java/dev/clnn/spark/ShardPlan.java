package dev.clnn.spark;

import java.io.Serializable;

/**
 * Where each sample of an epoch goes: global batch b holds epoch positions [b·B, min((b+1)·B, n)) (the batches
 * {@code clnn train} draws), and its rows are cut into P contiguous shards, shard p holding rows
 * [floor(p·rows/P), floor((p+1)·rows/P)). Partition p trains on shard p of every batch, so B not divisible by P (and
 * a short last batch) only makes shards differ by one row; a batch of fewer than P rows leaves some shards empty.
 */
record ShardPlan(int n, int batch, int partitions) implements Serializable {
    ShardPlan {
        if (n <= 0 || batch <= 0 || partitions <= 0) {
            throw new IllegalArgumentException("a shard plan needs n, batch and partitions > 0, got n = " + n
                    + ", batch = " + batch + ", partitions = " + partitions);
        }
    }

    /** Global batches per epoch: ceil(n / B). */
    int batchCount() {
        return (n + batch - 1) / batch;
    }

    /** Rows of global batch b: B, or the remainder for the last. */
    int rows(int b) {
        return Math.min(batch, n - b * batch);
    }

    /** First row of shard p within its batch (p = P gives the batch's row count). */
    int shardStart(int b, int p) {
        return (int) ((long) p * rows(b) / partitions);
    }

    /** The partition that trains on the sample at epoch position {@code position}. */
    int partitionOf(int position) {
        int b = position / batch;
        int row = position - b * batch;
        // The largest p with floor(p·rows/P) ≤ row; the division gives it up to one step.
        int rows = rows(b);
        int p = (int) (((long) row * partitions) / rows);
        while (p + 1 < partitions && shardStart(b, p + 1) <= row) {
            p++;
        }
        while (shardStart(b, p) > row) {
            p--;
        }
        return p;
    }
}
