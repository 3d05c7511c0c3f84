package dev.clnn.train;

import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;

/**
 * A small MNIST-shaped data set for the native resume tests: 100 training and 40 test images of 1×28×28 with 10
 * classes, uniform noise plus a brighter band of rows that gives the class away, so a few steps learn something.
 */
public final class BandedDigits {
    private BandedDigits() {
    }

    /** 100 training samples (seed 1) and 40 test samples (seed 2). */
    public static DatasetSplit split() {
        return new DatasetSplit(dataset(100, 1), dataset(40, 2));
    }

    /** Somewhere to send a run's progress lines. */
    public static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    private static Dataset dataset(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(10);
            for (int f = 0; f < 784; f++) {
                x[i * 784 + f] = (float) random.nextDouble() + (f / 78 == y[i] ? 0.5f : 0f);
            }
        }
        return new Dataset(x, y, n, new int[] {1, 28, 28}, 10);
    }
}
