package dev.clnn.optim;

import java.util.Objects;

/** Linear warm-up over W steps to inner.lr(0), then inner.lr(t − W). */
record WarmupLr(LrSchedule inner, long steps) implements LrSchedule {

    WarmupLr {
        Objects.requireNonNull(inner, "inner schedule");
        ScheduleArgs.requirePositive("warm-up steps", steps);
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        if (step < steps) {
            // (t + 1)/W rather than t/W so that update 0 does not run at rate 0 and update W − 1 reaches lr(0).
            return inner.lr(0) * (step + 1) / steps;
        }
        return inner.lr(step - steps);
    }

    @Override
    public String toString() {
        return "warmup(steps=" + steps + ") then " + inner;
    }
}
