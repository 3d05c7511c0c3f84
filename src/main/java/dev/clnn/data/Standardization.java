package dev.clnn.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-feature standardization, as scikit-learn's StandardScaler: x'[i, j] = (x[i, j] − mean[j]) / std[j], with the
 * mean and the population standard deviation (ddof = 0) of each feature over the training rows, summed in double
 * and stored as float. A feature whose standard deviation is 0 (constant in training) keeps std = 1, so it is only
 * centred, never divided by zero. The stored floats are what {@link #apply} uses, so a copy rebuilt by
 * {@link #fromTensors} standardizes to the same bits.
 *
 * @param mean per-feature mean, (features)
 * @param std  per-feature divisor, (features): the standard deviation, or 1 where that is 0
 */
public record Standardization(float[] mean, float[] std) {
    /** The name of the mean when stored beside a model's weights. */
    public static final String MEAN = "standardize.mean";
    /** The name of the divisors when stored beside a model's weights. */
    public static final String STD = "standardize.std";

    /** Checks that the arrays match and every divisor is positive and finite. */
    public Standardization {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " features, std " + std.length);
        }
        for (int j = 0; j < std.length; j++) {
            if (!Float.isFinite(mean[j]) || !(std[j] > 0) || !Float.isFinite(std[j])) {
                throw new IllegalArgumentException("feature " + j + ": mean " + mean[j] + ", std " + std[j]
                        + "; the mean must be finite and the std positive and finite");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Computes the statistics of every feature over all rows of {@code train} (pass the training side of a split
     * only, so no test row leaks into them).
     *
     * @throws IllegalArgumentException if the table has no rows
     */
    public static Standardization fit(TabularData train) {
        int n = train.rows();
        int f = train.features();
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardize from a table with no rows");
        }
        float[] x = train.x(); // (n, f)
        double[] sum = new double[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                sum[j] += x[i * f + j];
            }
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        double[] squares = new double[f];
        // Two passes: squared deviations from the mean, not E[x²] − E[x]², which cancels badly for large means.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                double d = x[i * f + j] - sum[j] / n;
                squares[j] += d * d;
            }
        }
        return fromSums(sum, squares, n);
    }

    /**
     * The statistics {@link #fit} computes, from its two passes' sums over n training rows (for rows read elsewhere,
     * such as on Spark's executors): {@code sum[j]} = Σ x[i, j] and {@code squares[j]} = Σ (x[i, j] − sum[j] / n)²,
     * both in double.
     *
     * @throws IllegalArgumentException if n is not positive or the arrays differ in length
     */
    public static Standardization fromSums(double[] sum, double[] squares, long n) {
        if (n <= 0 || sum.length != squares.length) {
            throw new IllegalArgumentException("sums of " + sum.length + " and " + squares.length + " features over "
                    + n + " rows");
        }
        int f = sum.length;
        float[] mean = new float[f];
        float[] std = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) (sum[j] / n);
            float s = (float) Math.sqrt(squares[j] / n);
            std[j] = s > 0 ? s : 1f;
        }
        return new Standardization(mean, std);
    }

    /** Number of features. */
    public int features() {
        return mean.length;
    }

    /**
     * The table with every feature standardized: a new x array (computed in double, rounded to float), the same
     * targets and names.
     *
     * @throws IllegalArgumentException if the table's feature count differs
     */
    public TabularData apply(TabularData data) {
        int f = features();
        if (data.features() != f) {
            throw new IllegalArgumentException("the standardization has " + f + " features, the table "
                    + data.features());
        }
        return new TabularData(apply(data.x()), data.rows(), data.featureNames(), data.target());
    }

    /**
     * Rows of features, row-major, standardized into a new array as {@link #apply(TabularData)} does.
     *
     * @throws IllegalArgumentException if {@code x} is not whole rows of this standardization's feature count
     */
    public float[] apply(float[] x) {
        float[] out = x.clone();
        applyInPlace(out);
        return out;
    }

    /**
     * Standardizes rows of features where they are, with the same arithmetic as {@link #apply(float[])}: for data
     * nothing else holds, so that a large table is not copied.
     *
     * @throws IllegalArgumentException if {@code x} is not whole rows of this standardization's feature count
     */
    public void applyInPlace(float[] x) {
        int f = features();
        if (x.length % f != 0) {
            throw new IllegalArgumentException(x.length + " values are not whole rows of " + f + " features");
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (((double) x[i] - mean[i % f]) / std[i % f]);
        }
    }

    /** The statistics as named float arrays, {@link #MEAN} and {@link #STD}, to be stored with weights; copies. */
    public Map<String, float[]> toTensors() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put(MEAN, mean.clone());
        tensors.put(STD, std.clone());
        return tensors;
    }

    /**
     * The standardization stored by {@link #toTensors}.
     *
     * @throws IllegalArgumentException if either array is missing or they do not match
     */
    public static Standardization fromTensors(Map<String, float[]> tensors) {
        float[] mean = tensors.get(MEAN);
        float[] std = tensors.get(STD);
        if (mean == null || std == null) {
            throw new IllegalArgumentException("a standardization needs arrays \"" + MEAN + "\" and \"" + STD
                    + "\"; found " + tensors.keySet());
        }
        return new Standardization(mean, std);
    }

    /**
     * The standardization stored beside a model's weights ({@link #toTensors}), or null when the file holds none.
     *
     * @param file names the weights file in errors
     * @throws IllegalArgumentException naming the file when only one array is there or they do not match
     */
    public static Standardization stored(SafetensorsFile weights, Path file) {
        Map<String, TensorEntry> tensors = weights.tensors();
        if (!tensors.containsKey(MEAN) && !tensors.containsKey(STD)) {
            return null;
        }
        Map<String, float[]> stats = new LinkedHashMap<>();
        for (String key : List.of(MEAN, STD)) {
            if (tensors.containsKey(key)) {
                stats.put(key, tensors.get(key).toFloats());
            }
        }
        try {
            return fromTensors(stats);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
