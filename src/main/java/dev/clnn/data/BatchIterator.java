package dev.clnn.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Walks one epoch of a {@link Dataset} in mini-batches, either in a seeded shuffled order (training) or in data-set
 * order (evaluation). Every sample appears exactly once per epoch; the last batch holds the remainder when the
 * batch size does not divide n (PyTorch's DataLoader with drop_last=False).
 *
 * <p>The shuffle is a Fisher–Yates pass driven by {@link SplittableRandom}, seeded from (seed, epoch): the same pair
 * always gives the same order, and a new epoch index gives a new order. To avoid per-step allocation, full batches
 * reuse one {@link Batch}; only a partial last batch gets arrays of its own.
 */
public final class BatchIterator implements Iterator<Batch> {
    private final Dataset data;
    private final int[] order; // (n): sample index at each epoch position
    private final int batchSize;
    private Batch full; // reused for every full batch, created on first use
    private int position;

    private BatchIterator(Dataset data, int batchSize, int[] order) {
        this.data = data;
        this.batchSize = batchSize;
        this.order = order;
    }

    /**
     * An epoch in shuffled order.
     *
     * @param data      the samples
     * @param batchSize rows per batch, > 0
     * @param seed      the run's seed
     * @param epoch     the epoch index, mixed into the seed so each epoch has its own order
     * @throws IllegalArgumentException if batchSize ≤ 0
     */
    public static BatchIterator shuffled(Dataset data, int batchSize, long seed, int epoch) {
        checkBatchSize(batchSize);
        return new BatchIterator(data, batchSize, permutation(data.n(), epochSeed(seed, epoch)));
    }

    /**
     * An epoch in data-set order, for evaluation.
     *
     * @throws IllegalArgumentException if batchSize ≤ 0
     */
    public static BatchIterator sequential(Dataset data, int batchSize) {
        checkBatchSize(batchSize);
        int[] order = new int[data.n()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return new BatchIterator(data, batchSize, order);
    }

    /**
     * The sample order of {@link #shuffled} for (n, seed, epoch): element p is the index of the sample at epoch
     * position p, so batch b holds positions [b·batchSize, (b+1)·batchSize). For trainers that lay an epoch's batches
     * out themselves (the Spark trainer sends each sample to the partition that will use it).
     */
    public static int[] epochOrder(int n, long seed, int epoch) {
        return permutation(n, epochSeed(seed, epoch));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates), the same for the same seed. */
    static int[] permutation(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Mixes the epoch into the seed with the SplitMix64 finaliser, so nearby (seed, epoch) pairs give unrelated
     * streams rather than shifted copies of one another.
     */
    static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
    }

    /** Batches in one epoch: ceil(n / batchSize). */
    public int batchCount() {
        return (order.length + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return position < order.length;
    }

    /** The next batch; a full batch is the same object as the previous full batch, overwritten. */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished: all " + order.length + " samples were returned");
        }
        int rows = Math.min(batchSize, order.length - position);
        int features = data.features();
        Batch batch;
        if (rows == batchSize) {
            if (full == null) {
                full = new Batch(batchSize, features, data.hasLabels(), data.targetWidth());
            }
            batch = full;
        } else {
            batch = new Batch(rows, features, data.hasLabels(), data.targetWidth());
        }
        float[] x = data.x();
        int[] y = data.y();
        float[] targets = data.targets();
        int width = data.targetWidth();
        for (int r = 0; r < rows; r++) {
            int i = order[position + r];
            System.arraycopy(x, i * features, batch.x(), r * features, features);
            if (y != null) {
                batch.y()[r] = y[i];
            }
            if (targets != null) {
                System.arraycopy(targets, i * width, batch.targets(), r * width, width);
            }
            batch.indices()[r] = i;
        }
        position += rows;
        return batch;
    }
}
