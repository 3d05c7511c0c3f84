package dev.clnn.optim;

import java.util.Locale;

/**
 * The optimisers a run can name ({@code --optimizer}), and the one place that turns the run's settings into an
 * {@link Optimizer.Factory}.
 */
public enum OptimizerKind {
    SGD, ADAM, ADAMW;

    /** The name on the command line and in training states. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name other than sgd, adam or adamw */
    public static OptimizerKind parse(String text) {
        for (OptimizerKind k : values()) {
            if (k.text().equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--optimizer must be sgd, adam or adamw, got \"" + text + "\"");
    }

    /**
     * The factory of this optimiser: SGD with momentum, Nesterov and weight decay (no dampening), or Adam/AdamW with
     * {@code adam} and weight decay; momentum does not apply to Adam.
     *
     * @throws IllegalArgumentException on Nesterov with Adam, or a hyper-parameter the optimiser rejects
     */
    public Optimizer.Factory factory(float momentum, boolean nesterov, float weightDecay, AdamSettings adam) {
        if (this == SGD) {
            return Sgd.factory(momentum, 0f, weightDecay, nesterov);
        }
        if (nesterov) {
            throw new IllegalArgumentException("--nesterov is an SGD option; --optimizer " + text()
                    + " takes --betas, --eps and --amsgrad");
        }
        return Adam.factory(adam, weightDecay, this == ADAMW);
    }
}
