package dev.clnn.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a training run did, kept for its plot: the loss and learning rate of every optimiser step, and the train
 * loss, test loss and test accuracy of every finished epoch.
 */
public final class TrainingHistory {
    private final Column stepLoss = new Column();
    private final Column stepLr = new Column();
    private final Column epochTrainLoss = new Column();
    private final Column epochTestLoss = new Column();
    private final Column epochTestAccuracy = new Column();

    /** Records optimiser step t = {@link #steps()} (0-based): its mini-batch loss and the rate it used. */
    public void step(double loss, double lr) {
        stepLoss.add(loss);
        stepLr.add(lr);
    }

    /** Records the next finished epoch: its mean training loss and the evaluation after it. */
    public void epoch(double trainLoss, Evaluation test) {
        epochTrainLoss.add(trainLoss);
        epochTestLoss.add(test.loss());
        epochTestAccuracy.add(test.accuracy());
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
        return epochTestLoss.values();
    }

    /** Test accuracy in [0, 1] after each finished epoch; index 0 is epoch 1. */
    public double[] epochTestAccuracy() {
        return epochTestAccuracy.values();
    }

    /** The curves by name, as a training state keeps them. */
    Map<String, double[]> curves() {
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("step_loss", stepLoss());
        curves.put("step_lr", stepLr());
        curves.put("epoch_train_loss", epochTrainLoss());
        curves.put("epoch_test_loss", epochTestLoss());
        curves.put("epoch_test_accuracy", epochTestAccuracy());
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
        double[] testLoss = curve(curves, "epoch_test_loss");
        double[] accuracy = curve(curves, "epoch_test_accuracy");
        if (loss.length != lr.length || train.length != testLoss.length || train.length != accuracy.length) {
            throw new IllegalArgumentException("training state curves disagree in length: " + loss.length + " step"
                    + " losses, " + lr.length + " rates, " + train.length + "/" + testLoss.length + "/"
                    + accuracy.length + " epoch values");
        }
        for (int i = 0; i < loss.length; i++) {
            h.step(loss[i], lr[i]);
        }
        for (int i = 0; i < train.length; i++) {
            h.epochTrainLoss.add(train[i]);
            h.epochTestLoss.add(testLoss[i]);
            h.epochTestAccuracy.add(accuracy[i]);
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
