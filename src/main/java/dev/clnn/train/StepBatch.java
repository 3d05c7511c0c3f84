package dev.clnn.train;

import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The batch file of {@code clnn step}: x (F32 or F64, [N, features] or [N, C, H, W]) and y (class indices for the
 * cross-entropy, targets of the output's shape for the squared error, or one probability distribution per row of the
 * output for the KL divergence), checked with messages naming the file.
 */
public final class StepBatch {
    /**
     * How far a row of {@code --loss kl} targets may sum from 1: float32 rounding of a normalised row of a thousand
     * classes stays below 1e-5, while a row that was never normalised (logits, counts) misses by far more.
     */
    static final double ROW_SUM_TOLERANCE = 1e-4;

    private final Path path;
    private final SafetensorsFile file;
    private final TensorEntry x;

    private StepBatch(Path path, SafetensorsFile file, TensorEntry x) {
        this.path = path;
        this.file = file;
        this.x = x;
    }

    /** Reads {@code path} and checks x. */
    public static StepBatch read(Path path) {
        SafetensorsFile file = Safetensors.read(path);
        TensorEntry x = required(file, "x", path);
        requireFloat(x, path);
        int[] shape = x.shape();
        if (shape.length < 2 || shape[0] <= 0) {
            throw new IllegalArgumentException(path + ": x must be [N, features] or [N, C, H, W] with N > 0, "
                    + "got " + Arrays.toString(shape));
        }
        return new StepBatch(path, file, x);
    }

    /** The shape of x, N first. */
    public int[] xShape() {
        return x.shape();
    }

    /** x as floats, row-major. */
    public float[] x() {
        return x.toFloats();
    }

    /**
     * The class indices y for {@code --loss ce}, checked against the model's output shape [N, classes].
     *
     * @throws IllegalArgumentException when y is not an integer [N] or a label is outside [0, classes)
     */
    public int[] labels(int[] outShape) {
        TensorEntry y = required(file, "y", path);
        int n = outShape[0];
        if (y.dtype() != SafetensorsDtype.I64 && y.dtype() != SafetensorsDtype.I32) {
            throw new IllegalArgumentException(path + ": y must hold I64 or I32 class indices for --loss ce,"
                    + " got " + y.dtype());
        }
        if (outShape.length != 2 || !Arrays.equals(y.shape(), new int[] {n})) {
            throw new IllegalArgumentException(path + ": --loss ce needs outputs [N, classes] and y [N]; "
                    + "the model gives " + Arrays.toString(outShape) + ", y is " + Arrays.toString(y.shape()));
        }
        int[] labels = y.toInts();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= outShape[1]) {
                throw new IllegalArgumentException(path + ": label y[" + i + "] = " + labels[i]
                        + " is outside [0, " + outShape[1] + ")");
            }
        }
        return labels;
    }

    /**
     * The targets y for {@code --loss mse}, which must have the output's shape.
     *
     * @throws IllegalArgumentException when y is not a float tensor of that shape
     */
    public float[] targets(int[] outShape) {
        TensorEntry y = required(file, "y", path);
        requireFloat(y, path);
        if (!Arrays.equals(y.shape(), outShape)) {
            throw new IllegalArgumentException(path + ": --loss mse needs y of the output's shape "
                    + Arrays.toString(outShape) + ", got " + Arrays.toString(y.shape()));
        }
        return y.toFloats();
    }

    /**
     * The target probabilities y for {@code --loss kl}: the output's shape [N, classes], every entry finite and
     * non-negative, every row summing to 1 within {@link #ROW_SUM_TOLERANCE}.
     *
     * @throws IllegalArgumentException naming the file and the first offending row (its sum) or entry
     */
    public float[] probabilities(int[] outShape) {
        TensorEntry y = required(file, "y", path);
        requireFloat(y, path);
        if (outShape.length != 2 || !Arrays.equals(y.shape(), outShape)) {
            throw new IllegalArgumentException(path + ": --loss kl needs outputs [N, classes] and y of their shape; "
                    + "the model gives " + Arrays.toString(outShape) + ", y is " + Arrays.toString(y.shape()));
        }
        float[] p = y.toFloats();
        int classes = outShape[1];
        for (int r = 0; r < outShape[0]; r++) {
            double sum = 0;
            for (int j = 0; j < classes; j++) {
                float v = p[r * classes + j];
                if (!(v >= 0) || Float.isInfinite(v)) {
                    throw new IllegalArgumentException(path + ": --loss kl needs probabilities, but y[" + r + ", " + j
                            + "] = " + v);
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
                throw new IllegalArgumentException(path + ": --loss kl needs each row of y to sum to 1 (within "
                        + ROW_SUM_TOLERANCE + "), but row " + r + " sums to " + sum);
            }
        }
        return p;
    }

    private static TensorEntry required(SafetensorsFile file, String name, Path path) {
        TensorEntry t = file.tensors().get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": batch file has no tensor \"" + name + "\"");
        }
        return t;
    }

    private static void requireFloat(TensorEntry t, Path path) {
        if (t.dtype() != SafetensorsDtype.F32 && t.dtype() != SafetensorsDtype.F64) {
            throw new IllegalArgumentException(path + ": tensor " + t.name() + " must be F32, got " + t.dtype());
        }
    }
}
