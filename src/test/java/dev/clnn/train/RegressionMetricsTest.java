package dev.clnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Against values computed by hand and, for the two-output case, by scikit-learn 1.2.1
 * ({@code mean_squared_error}, {@code mean_absolute_error}, {@code r2_score} on the same arrays).
 */
class RegressionMetricsTest {
    @Test
    void oneOutputByHand() {
        // targets 1, 2, 3, 4 (mean 2.5, SS_tot 5); errors 0.5, −0.5, 0, 1 (SS_res 1.5)
        RegressionMetrics m = RegressionMetrics.of(new float[] {1.5f, 1.5f, 3f, 5f}, new float[] {1, 2, 3, 4}, 1);
        assertEquals(1.5 / 4, m.mse(), 1e-12);
        assertEquals(Math.sqrt(1.5 / 4), m.rmse(), 1e-12);
        assertEquals(2.0 / 4, m.mae(), 1e-12);
        assertEquals(1 - 1.5 / 5, m.r2(), 1e-12);
    }

    /**
     * sklearn: y_true = [[0.5, 1], [-1, 1], [7, -6]], y_pred = [[0, 2], [-1, 2], [8, -5]]: mse 0.7083333,
     * mae 0.75, r2 (uniform average) 0.9368005 (the example of its r2_score documentation).
     */
    @Test
    void twoOutputsAsScikitLearn() {
        RegressionMetrics m = RegressionMetrics.of(new float[] {0, 2, -1, 2, 8, -5},
                new float[] {0.5f, 1, -1, 1, 7, -6}, 2);
        assertEquals(0.7083333333, m.mse(), 1e-9);
        assertEquals(0.75, m.mae(), 1e-12);
        assertEquals(0.9368005266, m.r2(), 1e-9);
    }

    @Test
    void aConstantTargetCountsOneWhenExactAndZeroOtherwise() {
        assertEquals(1, RegressionMetrics.of(new float[] {2, 2}, new float[] {2, 2}, 1).r2());
        assertEquals(0, RegressionMetrics.of(new float[] {2, 3}, new float[] {2, 2}, 1).r2());
    }

    @Test
    void mismatchedOrEmptyInputIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[3], new float[4], 1));
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[3], new float[3], 2));
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[0], new float[0], 1));
    }
}
