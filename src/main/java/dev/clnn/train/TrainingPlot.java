package dev.clnn.train;

import dev.clnn.plot.Charts;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The PNG of {@code train --plot}: three panels, left to right: training and test loss per epoch, test accuracy per
 * epoch, and the learning rate per optimiser step.
 */
public final class TrainingPlot {
    private TrainingPlot() {
    }

    /** Draws {@code history} into {@code file}, replacing it atomically. */
    public static void write(Path file, TrainingHistory history) {
        double[] epochs = count(1, history.epochs());
        XYChart loss;
        XYChart accuracy;
        if (history.epochs() > 0) {
            loss = Charts.panel("Loss per epoch", "epoch", "cross-entropy loss");
            Charts.addLine(loss, "train loss (epoch mean)", epochs, history.epochTrainLoss());
            Charts.addLine(loss, "test loss", epochs, history.epochTestLoss());
            double[] percent = history.epochTestAccuracy();
            for (int i = 0; i < percent.length; i++) {
                percent[i] *= 100;
            }
            accuracy = Charts.panel("Test accuracy per epoch", "epoch", "test accuracy (%)");
            Charts.addLine(accuracy, "test accuracy", epochs, percent);
        } else {
            // A run stopped in its first epoch still gets a readable plot: the step losses stand in.
            loss = Charts.panel("Loss per step (no epoch finished)", "optimiser step", "cross-entropy loss");
            Charts.addLine(loss, "train loss (mini-batch)", count(0, history.steps()), history.stepLoss());
            accuracy = Charts.panel("Test accuracy per epoch (no epoch finished)", "epoch", "test accuracy (%)");
            Charts.addLine(accuracy, "test accuracy", new double[] {1}, new double[] {Double.NaN});
        }
        XYChart lr = Charts.panel("Learning rate per step", "optimiser step", "learning rate");
        Charts.addLine(lr, "lr", count(0, history.steps()), history.stepLr());
        Charts.writePng(file, List.of(loss, accuracy, lr));
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
