package dev.clnn.spark;

import dev.clnn.parallel.ShardPlan;
import java.io.Serializable;

/**
 * Where each sample of an epoch goes: global batch b holds epoch positions [b·B, min((b+1)·B, n)) (the batches
 * {@code clnn train} draws), and its rows are cut into P contiguous shards by the core's one shard rule
 * ({@link ShardPlan}, as {@code --devices} cuts them: the first rows mod P shards one row longer). Partition p trains
 * on shard p of every batch; a batch of fewer than P rows leaves the last shards empty.
 */
record EpochPlan(int n, int batch, int partitions) implements Serializable {
    EpochPlan {
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
        return ShardPlan.offset(rows(b), partitions, p);
    }

    /** The partition that trains on the sample at epoch position {@code position}. */
    int partitionOf(int position) {
        int b = position / batch;
        return ShardPlan.rankOf(rows(b), partitions, position - b * batch);
    }
}
