package dev.clnn.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's mean loss over a data set, with the figures that go with its loss: the accuracy of a classifier (ce, kl),
 * or the {@link RegressionMetrics} of a regressor (mse).
 *
 * @param loss       the mean loss, reduced as the run's loss reduces it
 * @param correct    rows whose arg-max output is their class (0 for a regressor)
 * @param total      rows evaluated
 * @param regression MSE, RMSE, MAE and R² of a regressor, else null
 */
public record Evaluation(double loss, int correct, int total, RegressionMetrics regression) {

    /** A classifier's evaluation. */
    public Evaluation(double loss, int correct, int total) {
        this(loss, correct, total, null);
    }

    /** Whether this is a regressor's evaluation (figures in {@link #regression()}, no accuracy). */
    public boolean isRegression() {
        return regression != null;
    }

    /** The share of rows classified right, in [0, 1]; NaN for a regressor. */
    public double accuracy() {
        if (isRegression()) {
            return Double.NaN;
        }
        return total == 0 ? 0 : (double) correct / total;
    }

    /**
     * The figures by name, loss first: {@code loss, accuracy} for a classifier, {@code loss, rmse, mae, r2} for a
     * regressor (whose loss is the MSE). These are the names of the metrics CSV's test columns ({@code test_} before
     * each) and of the metrics a listener or early stopping can monitor.
     */
    public Map<String, Double> figures() {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("loss", loss);
        if (isRegression()) {
            figures.put("rmse", regression.rmse());
            figures.put("mae", regression.mae());
            figures.put("r2", regression.r2());
        } else {
            figures.put("accuracy", accuracy());
        }
        return figures;
    }

    /** The figures' names for a run with {@code loss}, as {@link #figures()} has them. */
    public static List<String> figureNames(LossKind loss) {
        return loss.classifies() ? List.of("loss", "accuracy") : List.of("loss", "rmse", "mae", "r2");
    }

    /** What an epoch line says of the test set, e.g. {@code test loss 0.3012  test accuracy 91.25%}. */
    public String summary() {
        return isRegression()
                ? String.format(Locale.ROOT, "test mse %.4f  rmse %.4f  mae %.4f  r2 %.4f", regression.mse(),
                        regression.rmse(), regression.mae(), regression.r2())
                : String.format(Locale.ROOT, "test loss %.4f  test accuracy %.2f%%", loss, 100 * accuracy());
    }

    /** The run's last lines: {@code test accuracy 91.25%}, or {@code test rmse …} then {@code test r2 …}. */
    public List<String> finalLines() {
        return isRegression()
                ? List.of(String.format(Locale.ROOT, "test rmse %.4f", regression.rmse()),
                        String.format(Locale.ROOT, "test r2 %.4f", regression.r2()))
                : List.of(String.format(Locale.ROOT, "test accuracy %.2f%%", 100 * accuracy()));
    }
}
