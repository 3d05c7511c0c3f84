package dev.clnn.spark;

import java.io.Serializable;

/**
 * One training example as the Spark trainer takes it: the features of one sample, row-major in the sample's shape
 * (784 values for a 28×28 MNIST digit), and what the model should output for it: a class label ({@code --loss ce}),
 * float targets (regression values for {@code --loss mse}), or both (a probability row for {@code --loss kl}, whose
 * arg-max class is the label), as {@link dev.clnn.data.Dataset} holds them.
 *
 * @param label   the class, or {@link #NO_LABEL} when the sample has float targets only
 * @param targets the float targets, or null when the sample has a class label only
 */
public record Sample(float[] features, int label, float[] targets) implements Serializable {
    /** The label of a sample that has float targets only. */
    public static final int NO_LABEL = -1;

    /** @throws IllegalArgumentException when the sample has neither a label nor targets, or a negative label */
    public Sample {
        if (label < NO_LABEL) {
            throw new IllegalArgumentException("a class label must be ≥ 0, got " + label);
        }
        if (label == NO_LABEL && targets == null) {
            throw new IllegalArgumentException("a sample needs a class label or float targets");
        }
    }

    /** A sample with a class label only. */
    public Sample(float[] features, int label) {
        this(features, label, null);
    }

    /** A sample with float targets only (regression). */
    public static Sample withTargets(float[] features, float[] targets) {
        return new Sample(features, NO_LABEL, targets);
    }

    /** Whether the sample has a class label. */
    public boolean hasLabel() {
        return label != NO_LABEL;
    }
}
