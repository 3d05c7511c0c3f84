package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link EpochListener} is told at the end of an epoch. The model is the one being trained: read its
 * parameters ({@code backend().readFloats(param.value())}) but do not write them, or the rest of the run trains from
 * the changed weights (and with several devices only the first replica would have them).
 */
public final class EpochEnd {
    private final int epoch;
    private final int epochs;
    private final double trainLoss;
    private final Evaluation test;
    private final double lr;
    private final Sequential model;
    private final Backend backend;
    private String stopReason;

    EpochEnd(int epoch, int epochs, double trainLoss, Evaluation test, double lr, Sequential model, Backend backend) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.trainLoss = trainLoss;
        this.test = test;
        this.lr = lr;
        this.model = model;
        this.backend = backend;
    }

    /** The epoch that ended, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The epochs the run was asked for. */
    public int epochs() {
        return epochs;
    }

    /** The mean training loss over the epoch's batches. */
    public double trainLoss() {
        return trainLoss;
    }

    /** The test set's figures after the epoch. */
    public Evaluation test() {
        return test;
    }

    /** The learning rate of the epoch's last step. */
    public double lr() {
        return lr;
    }

    public Sequential model() {
        return model;
    }

    /** The backend {@link #model()} lives on. */
    public Backend backend() {
        return backend;
    }

    /**
     * A figure by its monitor name: {@code train_loss}, or {@code test_} and a name of {@link Evaluation#figures()}
     * ({@code test_loss}, {@code test_accuracy}, {@code test_rmse}, {@code test_mae}, {@code test_r2}).
     *
     * @throws IllegalArgumentException listing the names this run has
     */
    public double figure(String name) {
        if (name.equals(EarlyStopping.TRAIN_LOSS)) {
            return trainLoss;
        }
        Map<String, Double> figures = test.figures();
        if (name.startsWith("test_") && figures.containsKey(name.substring(5))) {
            return figures.get(name.substring(5));
        }
        List<String> names = new ArrayList<>();
        figures.keySet().forEach(f -> names.add("test_" + f));
        names.add(EarlyStopping.TRAIN_LOSS);
        throw new IllegalArgumentException("no figure " + name + " in this run; it has " + String.join(", ", names));
    }

    /**
     * Ends the run after this epoch, as if it had been asked for no more: the training state of this epoch is
     * written as usual, then the weights are saved and the final evaluation returned. {@code line} is printed
     * (unless the run is quiet).
     */
    public void stop(String line) {
        this.stopReason = Objects.requireNonNull(line, "line");
    }

    /** The line of {@link #stop}, or null when no listener asked to stop. */
    String stopReason() {
        return stopReason;
    }
}
