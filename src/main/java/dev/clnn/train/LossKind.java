package dev.clnn.train;

import dev.clnn.data.Dataset;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Mse;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.nn.SoftmaxKlDivergence;

/**
 * The losses a run can minimise, with what each needs of the data and reports, as PyTorch defines them:
 * <ul>
 *   <li>{@code ce}: {@code CrossEntropyLoss()} (mean) of the model's scores against class labels; test accuracy;</li>
 *   <li>{@code mse}: {@code MSELoss()} (mean over every element) of the outputs against float targets; test MSE,
 *       RMSE, MAE and R²;</li>
 *   <li>{@code kl}: {@code KLDivLoss(reduction="batchmean")} of {@code log_softmax(outputs)} against probability rows
 *       (soft targets, e.g. a teacher's softmax); test accuracy against each row's arg-max class.</li>
 * </ul>
 */
public enum LossKind {
    CE("ce", "cross-entropy loss"),
    MSE("mse", "mean squared error"),
    KL("kl", "KL divergence");

    private final String text;
    private final String description;

    LossKind(String text, String description) {
        this.text = text;
        this.description = description;
    }

    /**
     * The loss of a command-line word.
     *
     * @throws IllegalArgumentException naming the word and the choices
     */
    public static LossKind parse(String text) {
        for (LossKind k : values()) {
            if (k.text.equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--loss must be ce, mse or kl, got \"" + text + "\"");
    }

    /** The command-line word: ce, mse or kl. */
    public String text() {
        return text;
    }

    /** What the loss is called on an axis or in a line, e.g. "mean squared error". */
    public String description() {
        return description;
    }

    /** Makes the loss on a backend. */
    public Loss.Factory factory() {
        return switch (this) {
            case CE -> SoftmaxCrossEntropy::new;
            case MSE -> Mse::new;
            case KL -> SoftmaxKlDivergence::new;
        };
    }

    /** Whether the loss takes float targets (F32, the output's shape) rather than class labels (I32, one per row). */
    public boolean floatTargets() {
        return this != CE;
    }

    /** Whether the run is measured by accuracy (a classifier) rather than by regression metrics. */
    public boolean classifies() {
        return this != MSE;
    }

    /**
     * Checks that {@code data} has what the loss needs: class labels for ce, float targets for mse, probability rows
     * for kl.
     *
     * @param what the data's name in the message, e.g. "the training set"
     * @throws IllegalArgumentException saying what the data holds and which loss or data would fit
     */
    public void requireFits(Dataset data, String what) {
        boolean soft = data.hasLabels() && data.targets() != null;
        String problem = switch (this) {
            case CE -> soft ? "holds probability rows (soft targets); train on them with --loss kl"
                    : data.hasLabels() ? null : "holds float targets, not class labels; use --loss mse";
            case MSE -> data.targets() != null ? null : "holds class labels, not float targets; use --loss ce, or give"
                    + " the targets as float columns (--target)";
            case KL -> soft ? null : "holds " + (data.hasLabels() ? "class labels" : "regression targets")
                    + "; --loss kl needs a probability row per sample (Dataset.softTargets)";
        };
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem);
        }
    }
}
