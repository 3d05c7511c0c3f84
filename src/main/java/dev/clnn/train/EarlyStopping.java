package dev.clnn.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends a run when a monitored figure has not improved for {@code patience} epochs in a row, as Keras'
 * {@code EarlyStopping} and PyTorch Lightning's do: an epoch improves on the best so far when its figure is lower by
 * more than {@code minDelta} (higher, for accuracy and R²); the first epoch always does; a NaN never does. With
 * {@code restoreBest}, the parameters of the best epoch are written back into the model when the run ends (stopped
 * early or not; Keras restores only when it stops), before the weights are saved and the final evaluation is made,
 * so both describe the restored model. Register it with {@link Trainer#stopEarly}.
 *
 * <p>A run that stops early ends normally: its training state after the last epoch trained is written as after any
 * epoch, and resuming from it trains the remaining epochs. The count of epochs without improvement and the best
 * parameters are not part of a training state, so a resumed run starts them afresh.
 *
 * @param monitor     {@code test_loss}, {@code test_accuracy}, {@code test_rmse}, {@code test_mae}, {@code test_r2}
 *                    or {@code train_loss}
 * @param patience    epochs without improvement after which the run ends, ≥ 1
 * @param minDelta    how much a figure must beat the best by to count as an improvement, ≥ 0
 * @param restoreBest whether to end with the best epoch's parameters rather than the last epoch's
 */
public record EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
    /** The monitor name of the epoch's mean training loss. */
    public static final String TRAIN_LOSS = "train_loss";
    /** Every monitor name, and whether higher is better. */
    private static final Map<String, Boolean> MONITORS = monitors();
    /** Lightning's default patience. */
    private static final int DEFAULT_PATIENCE = 3;

    /**
     * @throws IllegalArgumentException for an unknown monitor (listing the names), a patience below 1 or a negative
     *                                  or non-finite minDelta
     */
    public EarlyStopping {
        if (!MONITORS.containsKey(monitor)) {
            throw new IllegalArgumentException("early stopping cannot monitor \"" + monitor + "\"; choose one of "
                    + String.join(", ", MONITORS.keySet()));
        }
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping's patience must be ≥ 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("early stopping's minDelta must be finite and ≥ 0, got " + minDelta);
        }
    }

    private static Map<String, Boolean> monitors() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("test_loss", false);
        m.put("test_accuracy", true);
        m.put("test_rmse", false);
        m.put("test_mae", false);
        m.put("test_r2", true);
        m.put(TRAIN_LOSS, false);
        return m;
    }

    /** Monitors {@code monitor} with a patience of 3 epochs, no minDelta, keeping the last epoch's parameters. */
    public static EarlyStopping on(String monitor) {
        return new EarlyStopping(monitor, DEFAULT_PATIENCE, 0, false);
    }

    public EarlyStopping patience(int epochs) {
        return new EarlyStopping(monitor, epochs, minDelta, restoreBest);
    }

    public EarlyStopping minDelta(double delta) {
        return new EarlyStopping(monitor, patience, delta, restoreBest);
    }

    public EarlyStopping restoreBest(boolean restore) {
        return new EarlyStopping(monitor, patience, minDelta, restore);
    }

    /** Whether higher is better (accuracy, R²). */
    public boolean maximizes() {
        return MONITORS.get(monitor);
    }

    /**
     * Checks that a run with {@code loss} measures the monitored figure.
     *
     * @throws IllegalArgumentException naming the figures such a run has
     */
    void requireMeasuredBy(LossKind loss) {
        List<String> names = new ArrayList<>();
        Evaluation.figureNames(loss).forEach(f -> names.add("test_" + f));
        names.add(TRAIN_LOSS);
        if (!names.contains(monitor)) {
            throw new IllegalArgumentException("early stopping monitors " + monitor + ", which a " + loss.text()
                    + " run does not measure; choose one of " + String.join(", ", names));
        }
    }
}
