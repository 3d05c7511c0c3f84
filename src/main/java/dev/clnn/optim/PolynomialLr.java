package dev.clnn.optim;

/** lr(t) = η₀·(β·t + 1)^(−α). */
record PolynomialLr(double lr0, double beta, double alpha) implements LrSchedule {

    PolynomialLr {
        ScheduleArgs.requireBaseLr(lr0);
        ScheduleArgs.requireFiniteNonNegative("polynomial rate β", beta);
        ScheduleArgs.requireFiniteNonNegative("polynomial power α", alpha);
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        return lr0 * Math.pow(beta * step + 1, -alpha);
    }

    @Override
    public String toString() {
        return "poly(lr0=" + lr0 + ", beta=" + beta + ", alpha=" + alpha + ")";
    }
}
