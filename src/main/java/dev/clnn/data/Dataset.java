package dev.clnn.data;

import java.util.Arrays;

/**
 * A labelled data set held in memory: n samples, each a float vector of {@link #features()} values with shape
 * {@link #sampleShape()}, and one class label per sample.
 *
 * <p>The arrays are shared, not copied, because a data set can be hundreds of megabytes: the constructor takes
 * ownership of x and y, and {@link #x()} and {@link #y()} return them as they are. Treat them as read-only.
 */
public final class Dataset {
    private final float[] x; // (n, features), row-major
    private final int[] y; // (n)
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
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " labels, expected n = " + n);
        }
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(
                        "label y[" + i + "] = " + y[i] + " is outside [0, " + classes + ")");
            }
        }
        this.x = x;
        this.y = y;
        this.n = n;
        this.sampleShape = sampleShape.clone();
        this.features = (int) features;
        this.classes = classes;
    }

    /** The samples, (n, features) row-major; the shared backing array, not a copy. */
    public float[] x() {
        return x;
    }

    /** The labels, (n); the shared backing array, not a copy. */
    public int[] y() {
        return y;
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

    /** Number of classes; every label is in [0, classes). */
    public int classes() {
        return classes;
    }

    @Override
    public String toString() {
        return "Dataset[n=" + n + ", sampleShape=" + Arrays.toString(sampleShape) + ", classes=" + classes + "]";
    }
}
