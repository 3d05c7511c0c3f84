package dev.clnn.parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * The one shard rule, used by {@code --devices} and by Spark's replicas: a global batch of B rows over N replicas in
 * equal shards, the first B mod N shards one row longer. Rank r gets rows in order, so concatenating the shards in
 * rank order gives the batch back. Shards are not sized by the devices' measured speed: equal shards keep every
 * replica's work, and so the result, independent of timing.
 */
public final class ShardPlan {
    private ShardPlan() {
    }

    /** The N shards of a batch of {@code rows} rows, in rank order; some are empty when rows &lt; N. */
    public static List<Shard> split(int rows, int replicas) {
        check(rows, replicas);
        List<Shard> shards = new ArrayList<>(replicas);
        for (int r = 0; r < replicas; r++) {
            int offset = offset(rows, replicas, r);
            int n = offset(rows, replicas, r + 1) - offset;
            shards.add(new Shard(r, offset, n, (double) n / rows));
        }
        return shards;
    }

    /**
     * The first row of rank {@code rank}'s shard: r·⌊B/N⌋ + min(r, B mod N). Rank N gives B, so shard r holds rows
     * [offset(r), offset(r + 1)).
     */
    public static int offset(int rows, int replicas, int rank) {
        check(rows, replicas);
        if (rank < 0 || rank > replicas) {
            throw new IllegalArgumentException("rank " + rank + " is outside [0, " + replicas + "]");
        }
        return rank * (rows / replicas) + Math.min(rank, rows % replicas);
    }

    /** The rank whose shard holds row {@code row} of a batch of {@code rows} rows. */
    public static int rankOf(int rows, int replicas, int row) {
        check(rows, replicas);
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("row " + row + " is outside a batch of " + rows + " rows");
        }
        int base = rows / replicas;
        int longer = rows % replicas;
        int inLonger = longer * (base + 1); // the rows of the longer shards, which come first
        return row < inLonger ? row / (base + 1) : longer + (row - inLonger) / base;
    }

    private static void check(int rows, int replicas) {
        if (rows <= 0 || replicas <= 0) {
            throw new IllegalArgumentException("cannot split " + rows + " rows over " + replicas + " replicas");
        }
    }
}
