package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {
    private static final int N = 23; // prime, so no batch size below divides it
    private static final int FEATURES = 3;
    private static final long SEED = 42;

    /** Sample i has features {i, i + 0.25, i + 0.5} and label i % 5, so every row can be traced back. */
    private static Dataset tracedDataset() {
        float[] x = new float[N * FEATURES];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = i + 0.25f * f;
            }
            y[i] = i % 5;
        }
        return new Dataset(x, y, N, new int[] {FEATURES}, 5);
    }

    /** The sample indices of one epoch, checking that every row's x and y belong to its index. */
    private static List<Integer> epoch(BatchIterator it, int batchSize) {
        List<Integer> seen = new ArrayList<>();
        while (it.hasNext()) {
            Batch b = it.next();
            for (int r = 0; r < b.rows(); r++) {
                int i = b.indices()[r];
                assertEquals(i, b.x()[r * FEATURES], "x row " + r);
                assertEquals(i + 0.5f, b.x()[r * FEATURES + 2], "x row " + r);
                assertEquals(i % 5, b.y()[r], "y row " + r);
                seen.add(i);
            }
            assertEquals(b.rows() * FEATURES, b.x().length);
            assertEquals(b.rows(), b.y().length);
            assertTrue(b.rows() <= batchSize);
        }
        return seen;
    }

    @Test
    void shuffledEpochCoversEverySampleExactlyOnce() {
        List<Integer> seen = epoch(BatchIterator.shuffled(tracedDataset(), 5, SEED, 0), 5);
        int[] sorted = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] all = new int[N];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted);
    }

    @Test
    void lastBatchHoldsTheRemainder() {
        BatchIterator it = BatchIterator.shuffled(tracedDataset(), 5, SEED, 0);
        assertEquals(5, it.batchCount());
        int[] rows = new int[5];
        for (int b = 0; b < 5; b++) {
            rows[b] = it.next().rows();
        }
        assertArrayEquals(new int[] {5, 5, 5, 5, 3}, rows);
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrder() {
        Dataset d = tracedDataset();
        assertEquals(epoch(BatchIterator.shuffled(d, 4, SEED, 3), 4), epoch(BatchIterator.shuffled(d, 4, SEED, 3), 4));
    }

    @Test
    void newEpochOrNewSeedGivesANewOrder() {
        Dataset d = tracedDataset();
        List<Integer> base = epoch(BatchIterator.shuffled(d, 4, SEED, 0), 4);
        assertFalse(base.equals(epoch(BatchIterator.shuffled(d, 4, SEED, 1), 4)));
        assertFalse(base.equals(epoch(BatchIterator.shuffled(d, 4, SEED + 1, 0), 4)));
    }

    @Test
    void sequentialKeepsDataSetOrder() {
        List<Integer> seen = epoch(BatchIterator.sequential(tracedDataset(), 7), 7);
        for (int i = 0; i < N; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void fullBatchesReuseOneBatchObject() {
        BatchIterator it = BatchIterator.sequential(tracedDataset(), 10);
        Batch first = it.next();
        Batch second = it.next();
        Batch last = it.next();
        assertTrue(first == second, "full batches should share arrays");
        assertEquals(3, last.rows());
    }

    @Test
    void batchLargerThanDataSetGivesOnePartialBatch() {
        BatchIterator it = BatchIterator.shuffled(tracedDataset(), 100, SEED, 0);
        assertEquals(1, it.batchCount());
        assertEquals(N, it.next().rows());
        assertFalse(it.hasNext());
    }

    @Test
    void nonPositiveBatchSizeIsRejectedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchIterator.shuffled(tracedDataset(), 0, SEED, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchIterator.sequential(tracedDataset(), -3));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
    }
    @Test
    void epochOrderIsTheOrderShuffledBatchesFollow() {
        int[] order = BatchIterator.epochOrder(N, SEED, 3);
        List<Integer> walked = epoch(BatchIterator.shuffled(tracedDataset(), 4, SEED, 3), 4);
        assertArrayEquals(walked.stream().mapToInt(Integer::intValue).toArray(), order);
    }
}
