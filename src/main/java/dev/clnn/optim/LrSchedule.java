package dev.clnn.optim;

/**
 * A learning-rate schedule: a pure function from the optimiser step t = 0, 1, 2, … to the learning rate used by
 * update t. The optimiser calls {@link #lr(long)} before update t; t counts optimiser steps, not epochs.
 *
 * <p>Every factory takes the base rate η₀ (finite, ≥ 0) and rejects a bad parameter with an
 * {@link IllegalArgumentException} whose message names the parameter and the value. The formulas match PyTorch's
 * schedulers of the same name where one exists (see each factory), written in closed form rather than PyTorch's
 * recursive updates, so the two agree up to rounding.
 */
public interface LrSchedule {

    /**
     * The learning rate for optimiser step {@code step}.
     *
     * @param step t ≥ 0, the number of optimiser updates already made
     * @throws IllegalArgumentException if {@code step} is negative
     */
    double lr(long step);

    /**
     * {@link #lr} for an optimiser's update, checked: a rate that is not a finite number ≥ 0 (also as a float) is an
     * error naming {@code optimizer} and the step, not a silent NaN in every weight.
     *
     * @throws IllegalArgumentException when the rate is negative, NaN or infinite
     */
    default double checkedLr(long step, String optimizer) {
        double lr = lr(step);
        if (!(lr >= 0) || !Double.isFinite(lr) || Float.isInfinite((float) lr)) {
            throw new IllegalArgumentException(optimizer + " learning rate from the schedule at step " + step
                    + " must be a finite number ≥ 0, got " + lr);
        }
        return lr;
    }

    /**
     * This schedule behind a linear warm-up of {@code steps} steps: for t &lt; W the rate is
     * lr(0)·(t + 1)/W, and for t ≥ W it is lr(t − W), so this schedule starts when the warm-up ends.
     *
     * @param steps W ≥ 0; 0 returns this schedule unchanged
     */
    default LrSchedule withWarmup(long steps) {
        ScheduleArgs.requireNonNegative("warm-up steps", steps);
        return steps == 0 ? this : new WarmupLr(this, steps);
    }

    /** lr(t) = η₀ at every step. */
    static LrSchedule constant(double lr0) {
        return new ConstantLr(lr0);
    }

    /**
     * lr(t) = η₀·γ^floor(t/S): decay by γ every S steps, as PyTorch's {@code StepLR(step_size=S, gamma=γ)}.
     *
     * @param stepSize S &gt; 0
     * @param gamma    γ, finite and &gt; 0
     */
    static LrSchedule step(double lr0, long stepSize, double gamma) {
        return new StepLr(lr0, stepSize, gamma);
    }

    /**
     * lr(t) = η₀·γ^k with k the number of milestones ≤ t, as PyTorch's
     * {@code MultiStepLR(milestones=[M1, M2, …], gamma=γ)}.
     *
     * @param milestones M1 &lt; M2 &lt; …, strictly increasing positive steps; at least one
     * @param gamma      γ, finite and &gt; 0
     */
    static LrSchedule multiStep(double lr0, long[] milestones, double gamma) {
        return new MultiStepLr(lr0, milestones, gamma);
    }

    /**
     * lr(t) = η₀·β^t, as PyTorch's {@code ExponentialLR(gamma=β)}.
     *
     * @param beta β, finite and &gt; 0
     */
    static LrSchedule exponential(double lr0, double beta) {
        return new ExponentialLr(lr0, beta);
    }

    /**
     * lr(t) = η₀·(β·t + 1)^(−α), the inverse-power decay of the course notes.
     *
     * @param beta  β, finite and ≥ 0
     * @param alpha α, finite and ≥ 0
     */
    static LrSchedule polynomial(double lr0, double beta, double alpha) {
        return new PolynomialLr(lr0, beta, alpha);
    }

    /**
     * Cosine annealing: lr(t) = η_min + ½(η₀ − η_min)(1 + cos(π·t/T_max)) for t ≤ T_max, and η_min after T_max.
     * Up to T_max this is PyTorch's {@code CosineAnnealingLR(T_max, eta_min)}. Beyond T_max PyTorch's closed form is
     * periodic and climbs back towards η₀; here the rate stays at η_min, because a run that outlasts its
     * annealing period should not restart at a high rate unannounced.
     *
     * @param tMax   T_max &gt; 0, the step at which the rate reaches η_min
     * @param etaMin η_min, finite with 0 ≤ η_min ≤ η₀
     */
    static LrSchedule cosine(double lr0, long tMax, double etaMin) {
        return new CosineLr(lr0, tMax, etaMin);
    }
}
