package dev.clnn.optim;

/** lr(t) = η₀. */
record ConstantLr(double lr0) implements LrSchedule {

    ConstantLr {
        ScheduleArgs.requireBaseLr(lr0);
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        return lr0;
    }

    @Override
    public String toString() {
        return "constant(lr0=" + lr0 + ")";
    }
}
