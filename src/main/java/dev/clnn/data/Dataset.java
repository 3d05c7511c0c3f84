package dev.clnn.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * A data set held in memory: n samples, each a float vector of {@link #features()} values with shape
 * {@link #sampleShape()}, and what the model should output for each: a class label ({@link #y()}), float targets
 * ({@link #targets()}, {@link #targetWidth()} per sample: regression values), or both (probability rows, whose
 * arg-max class is the label that accuracy is measured against; see {@link #softTargets}).
 *
 * <p>The arrays are shared, not copied, because a data set can be hundreds of megabytes: the constructor takes
 * ownership of x and y, and {@link #x()} and {@link #y()} return them as they are. Treat them as read-only.
 */
public final class Dataset {
    private final float[] x; // (n, features), row-major
    private final int[] y; // (n), or null when the samples have float targets only
    private final float[] targets; // (n, targetWidth), or null
    private final int targetWidth;
    private final int n;
    private final int[] sampleShape;
    private final int features;
    private final int classes;

    /**
     * @param x           n × product(sampleShape) values, row-major; sample i starts at i·features
     * @param y           n labels, each in [0, classes)
     * @param n           sample count, ≥ 0
     * @param sampleShape shape of one sample, e.g. {1, 28, 28} for MNIST (channels, h, w); every entry positive
     * @param classes     number of classes, > 0
     * @throws IllegalArgumentException if a length disagrees with n and sampleShape, or a label is out of range
     */
    public Dataset(float[] x, int[] y, int n, int[] sampleShape, int classes) {
        this(x, y, null, 0, n, sampleShape, classes);
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " labels, expected n = " + n);
        }
        checkLabels(y, n, classes);
    }

    private Dataset(float[] x, int[] y, float[] targets, int targetWidth, int n, int[] sampleShape, int classes) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (classes <= 0) {
            throw new IllegalArgumentException("classes must be > 0, got " + classes);
        }
        long features = 1;
        for (int d : sampleShape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "sampleShape " + Arrays.toString(sampleShape) + " has a non-positive entry");
            }
            features *= d;
            if (features > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "sampleShape " + Arrays.toString(sampleShape) + " has more than 2^31-1 elements");
            }
        }
        if (x.length != (long) n * features) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected n * features = " + n
                    + " * " + features + " for sampleShape " + Arrays.toString(sampleShape));
        }
        if (targets != null && targets.length != (long) n * targetWidth) {
            throw new IllegalArgumentException("the targets have " + targets.length + " values, expected n * width = "
                    + n + " * " + targetWidth);
        }
        this.x = x;
        this.y = y;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.n = n;
        this.sampleShape = sampleShape.clone();
        this.features = (int) features;
        this.classes = classes;
    }

    /**
     * Samples with float targets (regression): {@code width} values per sample, any finite floats.
     *
     * @param targets n × width values, row-major
     * @throws IllegalArgumentException if a length disagrees, width is not positive, or a target is not finite
     */
    public static Dataset regression(float[] x, float[] targets, int n, int[] sampleShape, int width) {
        if (width <= 0) {
            throw new IllegalArgumentException("the target width must be > 0, got " + width);
        }
        for (int i = 0; i < targets.length; i++) {
            if (!Float.isFinite(targets[i])) {
                throw new IllegalArgumentException("target of row " + i / width + ", column " + i % width + " is "
                        + targets[i]);
            }
        }
        return new Dataset(x, null, targets, width, n, sampleShape, width);
    }

    /** How far a probability row's sum may be from 1: float rounding of a softmax's output, with room to spare. */
    public static final double ROW_SUM_TOLERANCE = 1e-4;

    /**
     * Samples with soft targets: each a probability row over {@code classes} classes (a teacher model's softmax, say),
     * whose arg-max (the first, on ties) is the sample's label {@link #y()} for accuracy.
     *
     * @param probabilities n × classes values, row-major; each row non-negative and summing to 1 within
     *                      {@link #ROW_SUM_TOLERANCE}
     * @throws IllegalArgumentException naming the first row that is not a probability row
     */
    public static Dataset softTargets(float[] x, float[] probabilities, int n, int[] sampleShape, int classes) {
        if (classes <= 0 || probabilities.length != (long) n * classes) {
            throw new IllegalArgumentException("the probabilities have " + probabilities.length + " values, expected"
                    + " n * classes = " + n + " * " + classes);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int best = 0;
            for (int c = 0; c < classes; c++) {
                float p = probabilities[i * classes + c];
                if (!(p >= 0) || !Float.isFinite(p)) {
                    throw new IllegalArgumentException("probability row " + i + " has " + p + " in column " + c
                            + "; soft targets must be finite and ≥ 0");
                }
                sum += p;
                best = p > probabilities[i * classes + best] ? c : best;
            }
            if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "probability row %d sums to"
                        + " %.6g, not 1 within %.0e", i, sum, ROW_SUM_TOLERANCE));
            }
            labels[i] = best;
        }
        return new Dataset(x, labels, probabilities, classes, n, sampleShape, classes);
    }

    private static void checkLabels(int[] y, int n, int classes) {
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(
                        "label y[" + i + "] = " + y[i] + " is outside [0, " + classes + ")");
            }
        }
    }

    /** The samples, (n, features) row-major; the shared backing array, not a copy. */
    public float[] x() {
        return x;
    }

    /** The labels, (n), or null for a regression set; the shared backing array, not a copy. */
    public int[] y() {
        return y;
    }

    /** Whether every sample has a class label ({@link #y()}). */
    public boolean hasLabels() {
        return y != null;
    }

    /** The float targets, (n, {@link #targetWidth()}), or null for class labels only; shared, not a copy. */
    public float[] targets() {
        return targets;
    }

    /** Float targets per sample, 0 when the samples have class labels only. */
    public int targetWidth() {
        return targetWidth;
    }

    /** Number of samples. */
    public int n() {
        return n;
    }

    /** Shape of one sample, e.g. {1, 28, 28}; a copy. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Values per sample: the product of {@link #sampleShape()}. */
    public int features() {
        return features;
    }

    /** Number of classes, every label being in [0, classes); for a regression set, the target width. */
    public int classes() {
        return classes;
    }

    @Override
    public String toString() {
        return "Dataset[n=" + n + ", sampleShape=" + Arrays.toString(sampleShape) + (y == null ? ", targets="
                + targetWidth : targets == null ? ", classes=" + classes : ", soft targets=" + classes) + "]";
    }
}
