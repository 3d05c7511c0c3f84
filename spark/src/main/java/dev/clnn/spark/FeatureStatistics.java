package dev.clnn.spark;

import dev.clnn.data.Standardization;
import org.apache.spark.api.java.JavaRDD;

/**
 * The standardization of training rows that stay on the executors: {@link Standardization#fit}'s two passes as two
 * tree aggregates of double sums (Σ x, then Σ (x − mean)² with the mean broadcast), so that the figures are
 * {@code clnn train}'s up to the order of the double sums (bit-identical when the rows are one partition).
 */
final class FeatureStatistics {
    private FeatureStatistics() {
    }

    /**
     * @throws IllegalArgumentException when there are no rows
     */
    static Standardization fit(JavaRDD<Sample> train, int features) {
        double[] sums = train.treeAggregate(new double[features + 1], (acc, s) -> {
            float[] x = s.features();
            for (int j = 0; j < features; j++) {
                acc[j] += x[j];
            }
            acc[features] += 1;
            return acc;
        }, FeatureStatistics::add);
        long n = (long) sums[features];
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardize from a table with no rows");
        }
        double[] mean = new double[features];
        for (int j = 0; j < features; j++) {
            mean[j] = sums[j] / n;
        }
        double[] squares = train.treeAggregate(new double[features], (acc, s) -> {
            float[] x = s.features();
            for (int j = 0; j < features; j++) {
                double d = x[j] - mean[j];
                acc[j] += d * d;
            }
            return acc;
        }, FeatureStatistics::add);
        return Standardization.fromSums(java.util.Arrays.copyOf(sums, features), squares, n);
    }

    private static double[] add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
