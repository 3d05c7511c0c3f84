package dev.clnn.backend;

/**
 * Hyper-parameters of one SGD update, with the meaning and validity rules of PyTorch's {@code torch.optim.SGD}.
 *
 * @param lr          learning rate η ≥ 0
 * @param momentum    μ ≥ 0; 0 disables the momentum buffer
 * @param dampening   τ ≥ 0, applied to the gradient when it enters the momentum buffer (not on the first step)
 * @param weightDecay λ ≥ 0, L2 penalty added to the gradient: g ← g + λ·w
 * @param nesterov    Nesterov momentum; needs μ &gt; 0 and τ = 0
 */
public record SgdHyper(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {

    public SgdHyper {
        requireNonNegative("learning rate", lr);
        requireNonNegative("momentum", momentum);
        requireNonNegative("dampening", dampening);
        requireNonNegative("weight decay", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a positive momentum and zero dampening, "
                    + "got momentum " + momentum + ", dampening " + dampening);
        }
    }

    /** Plain SGD: w ← w − η·g. */
    public static SgdHyper plain(float lr) {
        return new SgdHyper(lr, 0f, 0f, 0f, false);
    }

    public boolean hasMomentum() {
        return momentum != 0f;
    }

    private static void requireNonNegative(String name, float value) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException("SGD " + name + " must be a finite number ≥ 0, got " + value);
        }
    }
}
