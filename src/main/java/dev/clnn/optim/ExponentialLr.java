package dev.clnn.optim;

/** lr(t) = η₀·β^t. */
record ExponentialLr(double lr0, double beta) implements LrSchedule {

    ExponentialLr {
        ScheduleArgs.requireBaseLr(lr0);
        ScheduleArgs.requireFinitePositive("exponential decay β", beta);
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        return lr0 * Math.pow(beta, step);
    }

    @Override
    public String toString() {
        return "exp(lr0=" + lr0 + ", beta=" + beta + ")";
    }
}
