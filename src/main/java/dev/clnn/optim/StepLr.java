package dev.clnn.optim;

/** lr(t) = η₀·γ^floor(t/S). */
record StepLr(double lr0, long stepSize, double gamma) implements LrSchedule {

    StepLr {
        ScheduleArgs.requireBaseLr(lr0);
        ScheduleArgs.requirePositive("step size S", stepSize);
        ScheduleArgs.requireFinitePositive("step decay γ", gamma);
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        return lr0 * Math.pow(gamma, step / stepSize);
    }

    @Override
    public String toString() {
        return "step(lr0=" + lr0 + ", stepSize=" + stepSize + ", gamma=" + gamma + ")";
    }
}
