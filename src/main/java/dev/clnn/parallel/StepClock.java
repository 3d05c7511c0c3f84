package dev.clnn.parallel;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a data-parallel run's time goes: each device's forward and backward time and rows (its throughput), and
 * the all-reduce's share of the steps' wall time. Thread-safe for the per-device counters, which each device's
 * thread updates for its own rank only.
 */
final class StepClock {
    private final long[] computeNanos;
    private final long[] rows;
    private long allReduceNanos;
    private long stepNanos;

    StepClock(int devices) {
        this.computeNanos = new long[devices];
        this.rows = new long[devices];
    }

    /** Rank {@code r} spent {@code nanos} on the forward and backward pass of {@code n} rows. */
    synchronized void computed(int r, int n, long nanos) {
        rows[r] += n;
        computeNanos[r] += nanos;
    }

    synchronized void step(long allReduce, long whole) {
        allReduceNanos += allReduce;
        stepNanos += whole;
    }

    /** The all-reduce's share of the step time since the last {@link #takeNote}, in [0, 1]; 0 before any step. */
    synchronized double allReduceShare() {
        return stepNanos == 0 ? 0 : (double) allReduceNanos / stepNanos;
    }

    /**
     * "  devices: #0 5,100 samples/s, #1 4,900 samples/s; all-reduce 6% of step time", for the epoch line, and a
     * fresh start of every counter.
     */
    synchronized String takeNote() {
        StringBuilder s = new StringBuilder("  devices:");
        for (int r = 0; r < rows.length; r++) {
            double rate = computeNanos[r] == 0 ? 0 : rows[r] / (computeNanos[r] / 1e9);
            s.append(String.format(Locale.ROOT, "%s #%d %,.0f samples/s", r == 0 ? "" : ",", r, rate));
        }
        s.append(String.format(Locale.ROOT, "; all-reduce %.0f%% of step time", 100 * allReduceShare()));
        Arrays.fill(computeNanos, 0);
        Arrays.fill(rows, 0);
        allReduceNanos = 0;
        stepNanos = 0;
        return s.toString();
    }
}
