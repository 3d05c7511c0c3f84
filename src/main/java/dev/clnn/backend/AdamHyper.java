package dev.clnn.backend;

/**
 * Hyper-parameters of one Adam or AdamW update, with the meaning and validity rules of PyTorch's
 * {@code torch.optim.Adam} and {@code AdamW}. The scalars the update multiplies by are derived here, on the host and
 * in double as PyTorch derives them from its Python floats, then rounded once to float, so that both backends use
 * the same values.
 *
 * @param lr          learning rate η ≥ 0
 * @param beta1       β₁ in [0, 1), the decay of the first moment
 * @param beta2       β₂ in [0, 1), the decay of the second moment
 * @param eps         ε ≥ 0, added to the bias-corrected square root of the second moment
 * @param weightDecay λ ≥ 0: added to the gradient as λ·w (Adam) or applied as w ← w·(1 − η·λ) (AdamW)
 * @param decoupled   AdamW's decoupled weight decay instead of Adam's L2 penalty
 * @param amsgrad     keep the running maximum of the second moment and divide by it
 * @param step        t ≥ 1, the number of this update (PyTorch's {@code state["step"]} after its increment)
 */
public record AdamHyper(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
        boolean amsgrad, long step) {

    public AdamHyper {
        requireNonNegative("learning rate", lr);
        requireNonNegative("eps", eps);
        requireNonNegative("weight decay", weightDecay);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (step < 1) {
            throw new IllegalArgumentException("Adam step must be ≥ 1 (the first update is step 1), got " + step);
        }
    }

    /** λ as the L2 term of the gradient, g ← g + λ·w; 0 for AdamW, whose decay is {@link #decayFactor}. */
    public float l2Decay() {
        return decoupled ? 0f : (float) weightDecay;
    }

    /** 1 − η·λ for AdamW (w ← w·(1 − η·λ) before the update), else 1, which leaves w as it is. */
    public float decayFactor() {
        return decoupled ? (float) (1 - lr * weightDecay) : 1f;
    }

    /** 1 − β₁: the weight of PyTorch's {@code exp_avg.lerp_(grad, 1 - beta1)}. */
    public float lerpWeight() {
        return (float) (1 - beta1);
    }

    public float beta2f() {
        return (float) beta2;
    }

    /** 1 − β₂: the value of PyTorch's {@code exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)}. */
    public float oneMinusBeta2() {
        return (float) (1 - beta2);
    }

    /** √(1 − β₂^t), the divisor of √v. */
    public float biasCorrection2Sqrt() {
        return (float) Math.sqrt(1 - Math.pow(beta2, step));
    }

    public float epsf() {
        return (float) eps;
    }

    /** −η/(1 − β₁^t): the value of PyTorch's {@code param.addcdiv_(exp_avg, denom, value=-step_size)}. */
    public float negStepSize() {
        return (float) -(lr / (1 - Math.pow(beta1, step)));
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("Adam " + name + " must be a finite number ≥ 0, got " + value);
        }
    }
}
