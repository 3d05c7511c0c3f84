package dev.clnn.train;

import java.util.Arrays;

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
