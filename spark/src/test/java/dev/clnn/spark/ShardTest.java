package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A shard's in-place reshuffle ({@link Shuffle#LOCAL}): a permutation of its rows, the same for the same key. */
class ShardTest {
    /** 23 rows of 3 features and 2 targets, with labels, in batches of 5, 9, 0 and 9 rows. */
    private static Shard shard() {
        int rows = 23;
        float[] x = new float[rows * 3];
        int[] y = new int[rows];
        float[] t = new float[rows * 2];
        for (int r = 0; r < rows; r++) {
            y[r] = r;
            for (int f = 0; f < 3; f++) {
                x[r * 3 + f] = r * 10 + f;
            }
            t[r * 2] = -r;
            t[r * 2 + 1] = r + 0.5f;
        }
        return new Shard(1, 3, x, y, 2, t, new int[] {0, 5, 14, 14, 23}, new int[] {7, 7, 7, 7});
    }

    @Test
    void aReshuffleMovesWholeRowsAndKeepsTheBatchSizes() {
        Shard original = shard();
        Shard moved = original.reshuffled(42, 3);
        assertArrayEquals(original.offsets(), moved.offsets());
        int[] labels = moved.y().clone();
        Arrays.sort(labels);
        assertArrayEquals(original.y(), labels, "every row once");
        assertFalse(Arrays.equals(original.y(), moved.y()), "a new order");
        for (int r = 0; r < labels.length; r++) {
            int from = moved.y()[r];
            for (int f = 0; f < 3; f++) {
                assertEquals(from * 10 + f, moved.x()[r * 3 + f], "features of row " + r);
            }
            assertEquals(-from, moved.targets()[r * 2], "target 0 of row " + r);
            assertEquals(from + 0.5f, moved.targets()[r * 2 + 1], "target 1 of row " + r);
        }
    }

    @Test
    void theOrderDependsOnSeedAndEpochOnly() {
        assertArrayEquals(shard().reshuffled(42, 3).y(), shard().reshuffled(42, 3).y());
        assertFalse(Arrays.equals(shard().reshuffled(42, 3).y(), shard().reshuffled(42, 4).y()), "another epoch");
        assertFalse(Arrays.equals(shard().reshuffled(42, 3).y(), shard().reshuffled(43, 3).y()), "another seed");
    }
}
