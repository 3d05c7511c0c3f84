package dev.clnn.optim;

import java.util.Arrays;

/** lr(t) = η₀·γ^(number of milestones ≤ t). */
final class MultiStepLr implements LrSchedule {
    private final double lr0;
    private final long[] milestones; // strictly increasing, so a binary search counts those ≤ t
    private final double gamma;

    MultiStepLr(double lr0, long[] milestones, double gamma) {
        ScheduleArgs.requireBaseLr(lr0);
        if (milestones == null || milestones.length == 0) {
            throw new IllegalArgumentException("multi-step milestones must list at least one step, got "
                    + Arrays.toString(milestones));
        }
        for (int i = 0; i < milestones.length; i++) {
            long previous = i == 0 ? 0 : milestones[i - 1];
            if (milestones[i] <= previous) {
                throw new IllegalArgumentException("multi-step milestones must be strictly increasing positive steps, "
                        + "got " + Arrays.toString(milestones));
            }
        }
        ScheduleArgs.requireFinitePositive("multi-step decay γ", gamma);
        this.lr0 = lr0;
        this.milestones = milestones.clone();
        this.gamma = gamma;
    }

    @Override
    public double lr(long step) {
        ScheduleArgs.requireStep(step);
        return lr0 * Math.pow(gamma, milestonesReached(step));
    }

    private int milestonesReached(long step) {
        int i = Arrays.binarySearch(milestones, step);
        // A hit at index i means milestones[0..i] are ≤ step; a miss returns −(insertion point) − 1.
        return i >= 0 ? i + 1 : -i - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiStepLr m && Double.compare(lr0, m.lr0) == 0
                && Arrays.equals(milestones, m.milestones) && Double.compare(gamma, m.gamma) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Double.hashCode(lr0) + Arrays.hashCode(milestones)) + Double.hashCode(gamma);
    }

    @Override
    public String toString() {
        return "multistep(lr0=" + lr0 + ", milestones=" + Arrays.toString(milestones) + ", gamma=" + gamma + ")";
    }
}
