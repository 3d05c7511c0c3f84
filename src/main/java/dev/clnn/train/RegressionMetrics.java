package dev.clnn.train;

import java.util.Locale;

/**
 * The test-set figures of a regression model, as scikit-learn's {@code mean_squared_error},
 * {@code mean_absolute_error} and {@code r2_score} define them, over rows × outputs predictions: MSE and MAE averaged
 * over every element (PyTorch's {@code MSELoss} and {@code L1Loss} with mean reduction), RMSE the square root of
 * the MSE, and R² computed per output and averaged uniformly (scikit-learn's default {@code uniform_average}).
 * Sums run in double, so rounding does not grow with the row count.
 *
 * @param mse  mean squared error
 * @param rmse root mean squared error
 * @param mae  mean absolute error
 * @param r2   coefficient of determination, 1 − SS_res / SS_tot per output, averaged over outputs; an output whose
 *             targets are constant counts 1 when predicted exactly and 0 otherwise (scikit-learn's convention)
 */
public record RegressionMetrics(double mse, double rmse, double mae, double r2) {
    /**
     * The metrics of {@code predicted} against {@code targets}, both rows × {@code outputs} row-major.
     *
     * @throws IllegalArgumentException when the lengths differ, are not whole rows, or there are no rows
     */
    public static RegressionMetrics of(float[] predicted, float[] targets, int outputs) {
        if (outputs <= 0) {
            throw new IllegalArgumentException("outputs must be > 0, got " + outputs);
        }
        if (predicted.length != targets.length || targets.length % outputs != 0) {
            throw new IllegalArgumentException(predicted.length + " predictions and " + targets.length
                    + " targets are not the same whole rows of " + outputs + " outputs");
        }
        int rows = targets.length / outputs;
        if (rows == 0) {
            throw new IllegalArgumentException("no rows to measure");
        }
        double[] mean = new double[outputs];
        for (int i = 0; i < targets.length; i++) {
            mean[i % outputs] += targets[i];
        }
        for (int o = 0; o < outputs; o++) {
            mean[o] /= rows;
        }
        double squared = 0;
        double absolute = 0;
        double[] residual = new double[outputs];
        double[] total = new double[outputs];
        for (int i = 0; i < targets.length; i++) {
            double e = (double) predicted[i] - targets[i];
            double d = targets[i] - mean[i % outputs];
            squared += e * e;
            absolute += Math.abs(e);
            residual[i % outputs] += e * e;
            total[i % outputs] += d * d;
        }
        return fromSums(squared, absolute, residual, total, rows);
    }

    /**
     * The metrics from the sums {@link #of} adds up over rows × outputs predictions (for rows evaluated in parts,
     * such as on Spark's executors, whose sums add): {@code squared} = Σ e² and {@code absolute} = Σ |e| over every
     * element, with e = prediction − target in double; per output o, {@code residual[o]} = Σ e² and {@code total[o]}
     * = Σ (target − mean_o)², mean_o the output's mean target over all rows.
     *
     * @throws IllegalArgumentException if there are no rows or the per-output arrays differ in length
     */
    public static RegressionMetrics fromSums(double squared, double absolute, double[] residual, double[] total,
            long rows) {
        int outputs = residual.length;
        if (rows <= 0 || outputs == 0 || total.length != outputs) {
            throw new IllegalArgumentException("sums of " + residual.length + " and " + total.length + " outputs over "
                    + rows + " rows");
        }
        double r2 = 0;
        for (int o = 0; o < outputs; o++) {
            r2 += total[o] > 0 ? 1 - residual[o] / total[o] : (residual[o] == 0 ? 1 : 0);
        }
        double elements = (double) rows * outputs;
        double mse = squared / elements;
        return new RegressionMetrics(mse, Math.sqrt(mse), absolute / elements, r2 / outputs);
    }

    /** e.g. {@code mse 0.2500  rmse 0.5000  mae 0.5000  r2 0.8750}, as an epoch line shows them. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "mse %.4f  rmse %.4f  mae %.4f  r2 %.4f", mse, rmse, mae, r2);
    }
}
