package dev.clnn.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training run did: the loss and learning rate of every optimiser step, and for every finished epoch its mean
 * training loss and the test set's figures ({@link Evaluation#figures()}: loss and accuracy for a classifier; loss
 * (MSE), RMSE, MAE and R² for a regressor). {@code fit} returns it; the plot and the training states are drawn from it.
 */
public final class TrainingHistory {
    private static final String TEST_PREFIX = "epoch_test_";
    private final Column stepLoss = new Column();
    private final Column stepLr = new Column();
    private final Column epochTrainLoss = new Column();
    private final Map<String, Column> epochTest = new LinkedHashMap<>(); // by figure name, in the figures' order

    /** Records optimiser step t = {@link #steps()} (0-based): its mini-batch loss and the rate it used. */
    public void step(double loss, double lr) {
        stepLoss.add(loss);
        stepLr.add(lr);
    }

    /** Records the next finished epoch: its mean training loss and the evaluation after it. */
    public void epoch(double trainLoss, Evaluation test) {
        epochTrainLoss.add(trainLoss);
        test.figures().forEach((name, value) -> epochTest.computeIfAbsent(name, n -> new Column()).add(value));
    }

    public int steps() {
        return stepLr.size;
    }

    public int epochs() {
        return epochTrainLoss.size;
    }

    /** Loss of each step, indexed by step. */
    public double[] stepLoss() {
        return stepLoss.values();
    }

    /** Learning rate of each step, indexed by step. */
    public double[] stepLr() {
        return stepLr.values();
    }

    /** Mean training loss of each finished epoch; index 0 is epoch 1. */
    public double[] epochTrainLoss() {
        return epochTrainLoss.values();
    }

    /** Test loss after each finished epoch; index 0 is epoch 1. */
    public double[] epochTestLoss() {
        return epochTest("loss");
    }

    /** Test accuracy in [0, 1] after each finished epoch (empty for a regressor); index 0 is epoch 1. */
    public double[] epochTestAccuracy() {
        return epochTest("accuracy");
    }

    /**
     * The test figure {@code name} ({@code loss}, {@code accuracy}, {@code rmse}, {@code mae}, {@code r2}) after each
     * finished epoch, index 0 being epoch 1; empty when the run does not measure it.
     */
    public double[] epochTest(String name) {
        Column c = epochTest.get(name);
        return c == null ? new double[0] : c.values();
    }

    /** The names of the test figures recorded, in {@link Evaluation#figures()}'s order. */
    public List<String> testFigures() {
        return List.copyOf(epochTest.keySet());
    }

    /** Whether the test figures are a regressor's (R² and the rest) rather than a classifier's accuracy. */
    public boolean isRegression() {
        return epochTest.containsKey("r2");
    }

    /** The curves by name, as a training state keeps them. */
    Map<String, double[]> curves() {
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("step_loss", stepLoss());
        curves.put("step_lr", stepLr());
        curves.put("epoch_train_loss", epochTrainLoss());
        epochTest.forEach((name, column) -> curves.put(TEST_PREFIX + name, column.values()));
        return curves;
    }

    /**
     * The history a training state kept ({@link #curves}), to go on from.
     *
     * @throws IllegalArgumentException when a curve is missing or the curves disagree in length
     */
    static TrainingHistory fromCurves(Map<String, double[]> curves) {
        TrainingHistory h = new TrainingHistory();
        double[] loss = curve(curves, "step_loss");
        double[] lr = curve(curves, "step_lr");
        double[] train = curve(curves, "epoch_train_loss");
        if (loss.length != lr.length) {
            throw new IllegalArgumentException("training state curves disagree in length: " + loss.length + " step"
                    + " losses, " + lr.length + " rates");
        }
        for (int i = 0; i < loss.length; i++) {
            h.step(loss[i], lr[i]);
        }
        for (double t : train) {
            h.epochTrainLoss.add(t);
        }
        for (Map.Entry<String, double[]> e : curves.entrySet()) {
            if (!e.getKey().startsWith(TEST_PREFIX)) {
                continue;
            }
            if (e.getValue().length != train.length) {
                throw new IllegalArgumentException("training state curves disagree in length: " + train.length
                        + " epoch train losses, " + e.getValue().length + " values of " + e.getKey());
            }
            Column c = h.epochTest.computeIfAbsent(e.getKey().substring(TEST_PREFIX.length()), n -> new Column());
            for (double v : e.getValue()) {
                c.add(v);
            }
        }
        return h;
    }

    private static double[] curve(Map<String, double[]> curves, String name) {
        double[] values = curves.get(name);
        if (values == null) {
            throw new IllegalArgumentException("training state has no curve " + name);
        }
        return values;
    }

    /** A growable array of doubles: a long run has one value per step, too many to box. */
    private static final class Column {
        private double[] data = new double[64];
        private int size;

        void add(double value) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = value;
        }

        double[] values() {
            return Arrays.copyOf(data, size);
        }
    }
}
