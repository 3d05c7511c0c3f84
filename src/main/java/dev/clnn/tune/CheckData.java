package dev.clnn.tune;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The operands the families' checks and workloads use: uniform values, and NaN to poison an output with. */
final class CheckData {
    private CheckData() {
    }

    /** {@code count} values uniform in [-1, 1): products of them stay of order √K, far from fp32's limits. */
    static float[] values(SplittableRandom random, int count) {
        float[] data = new float[count];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble(-1, 1);
        }
        return data;
    }

    /** {@code count} NaNs: a C that a beta = 0 product must not read. */
    static float[] nan(int count) {
        float[] data = new float[count];
        Arrays.fill(data, Float.NaN);
        return data;
    }
}
