package dev.clnn.train;

import dev.clnn.plot.Charts;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The PNG of {@code train --plot}: three panels, left to right: training and test loss per epoch, test accuracy (or
 * R², for a regressor) per epoch, and the learning rate per optimiser step.
 */
public final class TrainingPlot {
    private TrainingPlot() {
    }

    /**
     * Draws {@code history} into {@code file}, replacing it atomically; {@code loss} names the loss axis (e.g.
     * "cross-entropy loss"). The middle panel is the test accuracy of a classifier, or the test R² of a regressor.
     */
    public static void write(Path file, TrainingHistory history, String loss) {
        double[] epochs = count(1, history.epochs());
        boolean regression = history.isRegression();
        String figure = regression ? "Test R² per epoch" : "Test accuracy per epoch";
        String figureAxis = regression ? "test R²" : "test accuracy (%)";
        XYChart lossPanel;
        XYChart figurePanel;
        if (history.epochs() > 0) {
            lossPanel = Charts.panel("Loss per epoch", "epoch", loss);
            Charts.addLine(lossPanel, "train loss (epoch mean)", epochs, history.epochTrainLoss());
            Charts.addLine(lossPanel, "test loss", epochs, history.epochTestLoss());
            double[] values = regression ? history.epochTest("r2") : history.epochTestAccuracy();
            for (int i = 0; i < values.length && !regression; i++) {
                values[i] *= 100;
            }
            figurePanel = Charts.panel(figure, "epoch", figureAxis);
            Charts.addLine(figurePanel, regression ? "test R²" : "test accuracy", epochs, values);
        } else {
            // A run stopped in its first epoch still gets a readable plot: the step losses stand in.
            lossPanel = Charts.panel("Loss per step (no epoch finished)", "optimiser step", loss);
            Charts.addLine(lossPanel, "train loss (mini-batch)", count(0, history.steps()), history.stepLoss());
            figurePanel = Charts.panel(figure + " (no epoch finished)", "epoch", figureAxis);
            Charts.addLine(figurePanel, figureAxis, new double[] {1}, new double[] {Double.NaN});
        }
        XYChart lr = Charts.panel("Learning rate per step", "optimiser step", "learning rate");
        Charts.addLine(lr, "lr", count(0, history.steps()), history.stepLr());
        Charts.writePng(file, List.of(lossPanel, figurePanel, lr));
    }

    /** first, first + 1, …, first + n − 1 */
    private static double[] count(int first, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = first + i;
        }
        return values;
    }
}
