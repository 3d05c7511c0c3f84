package dev.clnn.optim;

/**
 * Adam's own hyper-parameters, PyTorch's defaults in {@link #DEFAULTS}; the learning rate and weight decay are the
 * run's, as for SGD.
 *
 * @param beta1   β₁ in [0, 1)
 * @param beta2   β₂ in [0, 1)
 * @param eps     ε ≥ 0
 * @param amsgrad keep the running maximum of the second moment
 */
public record AdamSettings(double beta1, double beta2, double eps, boolean amsgrad) {
    public static final AdamSettings DEFAULTS = new AdamSettings(0.9, 0.999, 1e-8, false);

    public AdamSettings {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("--betas must both lie in [0, 1), got " + beta1 + "," + beta2);
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("--eps must be a finite number ≥ 0, got " + eps);
        }
    }

    /** The betas as {@code --betas} spells them, {@code B1,B2}. */
    public String betasText() {
        return beta1 + "," + beta2;
    }
}
