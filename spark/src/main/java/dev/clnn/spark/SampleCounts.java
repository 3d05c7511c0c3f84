package dev.clnn.spark;

import dev.clnn.train.LossKind;
import java.io.Serializable;

/**
 * What a run's training samples hold, counted in one pass on the executors so that the driver can refuse samples a
 * loss cannot train on before the first round: rows, rows with a class label, rows with float targets, and the
 * narrowest and widest target rows.
 */
record SampleCounts(long rows, long labelled, long withTargets, int minWidth, int maxWidth) implements Serializable {
    static final SampleCounts NONE = new SampleCounts(0, 0, 0, Integer.MAX_VALUE, Integer.MIN_VALUE);

    static SampleCounts of(Sample s) {
        int width = s.targets() == null ? -1 : s.targets().length;
        return new SampleCounts(1, s.hasLabel() ? 1 : 0, width < 0 ? 0 : 1, width < 0 ? Integer.MAX_VALUE : width,
                width < 0 ? Integer.MIN_VALUE : width);
    }

    SampleCounts plus(SampleCounts o) {
        return new SampleCounts(rows + o.rows, labelled + o.labelled, withTargets + o.withTargets,
                Math.min(minWidth, o.minWidth), Math.max(maxWidth, o.maxWidth));
    }

    /**
     * Checks that every sample has what {@code loss} compares the outputs with: a class label for ce, float targets of
     * the test set's width ({@code outputs}) for mse and kl.
     *
     * @throws IllegalArgumentException saying how many samples lack it, or which widths disagree
     */
    void requireFits(LossKind loss, int outputs) {
        if (!loss.floatTargets()) {
            if (labelled < rows) {
                throw new IllegalArgumentException((rows - labelled) + " of the " + rows + " training samples have no"
                        + " class label, which --loss ce needs (use --loss mse or kl for float targets)");
            }
            return;
        }
        if (withTargets < rows) {
            throw new IllegalArgumentException((rows - withTargets) + " of the " + rows + " training samples have no"
                    + " float targets, which --loss " + loss.text() + " needs");
        }
        if (rows > 0 && (minWidth != outputs || maxWidth != outputs)) {
            throw new IllegalArgumentException("the training samples have " + (minWidth == maxWidth ? minWidth
                    : minWidth + " to " + maxWidth) + " targets each but the test set has " + outputs);
        }
    }
}
