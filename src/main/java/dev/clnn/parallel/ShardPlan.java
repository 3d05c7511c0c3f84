package dev.clnn.parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a global batch of B rows over N replicas in equal shards, the first B mod N shards one row longer: rank r
 * gets rows in order, so concatenating the shards in rank order gives the batch back. Shards are not sized by the
 * devices' measured speed: equal shards keep every replica's work, and so the result, independent of timing.
 */
public final class ShardPlan {
    private ShardPlan() {
    }

    /** The N shards of a batch of {@code rows} rows, in rank order; some are empty when rows &lt; N. */
    public static List<Shard> split(int rows, int replicas) {
        if (rows <= 0 || replicas <= 0) {
            throw new IllegalArgumentException("cannot split " + rows + " rows over " + replicas + " replicas");
        }
        List<Shard> shards = new ArrayList<>(replicas);
        int base = rows / replicas;
        int longer = rows % replicas;
        int offset = 0;
        for (int r = 0; r < replicas; r++) {
            int n = base + (r < longer ? 1 : 0);
            shards.add(new Shard(r, offset, n, (double) n / rows));
            offset += n;
        }
        return shards;
    }
}
