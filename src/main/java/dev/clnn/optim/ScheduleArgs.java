package dev.clnn.optim;

/** Argument checks shared by the schedules; each message names the parameter and the bad value on one line. */
final class ScheduleArgs {

    private ScheduleArgs() {
    }

    static void requireBaseLr(double lr0) {
        if (!Double.isFinite(lr0) || lr0 < 0) {
            throw new IllegalArgumentException("base learning rate η₀ must be finite and ≥ 0, got " + lr0);
        }
    }

    static void requireFinitePositive(String name, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }

    static void requireFiniteNonNegative(String name, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " must be finite and ≥ 0, got " + value);
        }
    }

    static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be ≥ 0, got " + value);
        }
    }

    static void requireStep(long step) {
        requireNonNegative("step", step);
    }
}
