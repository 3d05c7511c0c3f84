package dev.clnn.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPlanTest {

    @Test
    void shardsCoverTheBatchInOrderWithTheFirstOnesLonger() {
        for (int rows : new int[] {1, 2, 7, 37, 64, 256, 257}) {
            for (int n : new int[] {1, 2, 3, 4, 8}) {
                List<Shard> shards = ShardPlan.split(rows, n);
                assertEquals(n, shards.size());
                int next = 0;
                double weights = 0;
                for (Shard s : shards) {
                    assertEquals(next, s.offset(), rows + " over " + n);
                    assertTrue(s.rows() == rows / n || s.rows() == rows / n + 1, rows + " over " + n + ": " + s);
                    assertTrue(s.rank() == 0 || s.rows() <= shards.get(s.rank() - 1).rows(), "longer shards first");
                    assertEquals((double) s.rows() / rows, s.weight(), 0.0);
                    next += s.rows();
                    weights += s.weight();
                }
                assertEquals(rows, next, rows + " over " + n);
                assertEquals(1.0, weights, 1e-12, rows + " over " + n);
            }
        }
    }

    @Test
    void thirtySevenRowsOverThreeReplicas() {
        assertEquals(List.of(new Shard(0, 0, 13, 13 / 37.0), new Shard(1, 13, 12, 12 / 37.0),
                new Shard(2, 25, 12, 12 / 37.0)), ShardPlan.split(37, 3));
    }

    @Test
    void offsetsAndRanksOfRowsAgreeWithTheShards() {
        for (int rows : new int[] {1, 2, 7, 37, 50, 64, 257}) {
            for (int n : new int[] {1, 2, 3, 4, 8}) {
                List<Shard> shards = ShardPlan.split(rows, n);
                assertEquals(rows, ShardPlan.offset(rows, n, n), rows + " over " + n);
                for (Shard s : shards) {
                    assertEquals(s.offset(), ShardPlan.offset(rows, n, s.rank()), rows + " over " + n);
                    for (int row = s.offset(); row < s.offset() + s.rows(); row++) {
                        assertEquals(s.rank(), ShardPlan.rankOf(rows, n, row), "row " + row + " of " + rows
                                + " over " + n);
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.rankOf(5, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.offset(5, 2, 3));
    }

    @Test
    void slicesAreTheShardsRows() {
        Shard s = ShardPlan.split(5, 2).get(1); // rows 3 and 4
        assertEquals(List.of(6f, 7f, 8f, 9f), boxed(s.slice(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 2)));
        assertEquals(2, s.slice(new int[] {0, 1, 2, 3, 4}).length);
        assertEquals(3, s.slice(new int[] {0, 1, 2, 3, 4})[0]);
    }

    @Test
    void noRowsOrNoReplicasIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.split(0, 2));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.split(4, 0));
    }

    private static List<Float> boxed(float[] a) {
        List<Float> list = new java.util.ArrayList<>();
        for (float f : a) {
            list.add(f);
        }
        return list;
    }
}
