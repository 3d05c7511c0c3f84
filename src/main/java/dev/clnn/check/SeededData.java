package dev.clnn.check;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The inputs every check draws and the poison it fills outputs with: the tuner, the parity and self-checks, the
 * benchmarks and the tests all take their data from here, so the same seed means the same values everywhere.
 */
public final class SeededData {
    private SeededData() {
    }

    /** {@code count} values uniform in [-1, 1): products of them stay of order √K, far from fp32's limits. */
    public static float[] uniform(SplittableRandom random, int count) {
        return uniform(random, count, -1, 1);
    }

    /** {@code count} values uniform in [lo, hi), one {@code nextDouble} each, rounded to float. */
    public static float[] uniform(SplittableRandom random, int count, double lo, double hi) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextDouble(lo, hi);
        }
        return out;
    }

    /** Values from {-1, 0, 1}: many exact ties and exact zeros. */
    public static float[] ternary(SplittableRandom random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = random.nextInt(3) - 1;
        }
        return out;
    }

    /** {@code n} class labels uniform in [0, classes), one {@code nextInt} each. */
    public static int[] labels(SplittableRandom random, int n, int classes) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(classes);
        }
        return out;
    }

    /** {@code count} NaNs: an output an op must write, or a C that a beta = 0 product must not read. */
    public static float[] nan(int count) {
        float[] out = new float[count];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    /** A float tensor filled with NaN through a plain upload, so any element an op fails to write shows. */
    public static Tensor poisoned(Backend b, int... shape) {
        return b.fromArray(nan(Shapes.elementCount(shape)), shape);
    }

    /** An int tensor filled with a value no op produces (indices and labels are never negative). */
    public static Tensor poisonedInts(Backend b, int... shape) {
        int[] data = new int[Shapes.elementCount(shape)];
        Arrays.fill(data, Integer.MIN_VALUE);
        return b.fromArray(data, shape);
    }
}
