package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpochPlanTest {
    /**
     * n = 1001, B = 50, P = 3: batches of 50 rows cut 17/17/16 (the core's shard rule), and a last batch of 1 row that
     * only partition 0 trains on. Every position belongs to the shard whose row range holds it.
     */
    @Test
    void everyPositionGoesToTheShardWhoseRowsHoldIt() {
        EpochPlan plan = new EpochPlan(1001, 50, 3);
        assertEquals(21, plan.batchCount());
        assertEquals(1, plan.rows(20));
        int[] perShard = new int[3];
        for (int pos = 0; pos < 1001; pos++) {
            int b = pos / 50;
            int row = pos - b * 50;
            int p = plan.partitionOf(pos);
            assertTrue(plan.shardStart(b, p) <= row && row < plan.shardStart(b, p + 1), "position " + pos);
            if (b == 0) {
                perShard[p]++;
            }
        }
        assertEquals(17, perShard[0]);
        assertEquals(17, perShard[1]);
        assertEquals(16, perShard[2]);
        assertEquals(0, plan.partitionOf(1000), "a 1-row batch goes to the first shard; the others are empty");
    }

    @Test
    void shardsOfAnyBatchDifferByAtMostOneRow() {
        for (int batch : new int[] {1, 2, 7, 64, 97}) {
            for (int parts = 1; parts <= 9; parts++) {
                EpochPlan plan = new EpochPlan(batch, batch, parts);
                for (int p = 0; p < parts; p++) {
                    int rows = plan.shardStart(0, p + 1) - plan.shardStart(0, p);
                    assertTrue(rows == batch / parts || rows == batch / parts + 1,
                            "batch " + batch + ", " + parts + " partitions, shard " + p + ": " + rows + " rows");
                }
            }
        }
    }
}
