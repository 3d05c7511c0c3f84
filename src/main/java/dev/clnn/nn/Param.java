package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Shapes;
import dev.clnn.backend.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A trainable parameter: {@code value} and its gradient {@code grad}, two F32 tensors of the same shape on one
 * backend (caffe's data and diff). The gradient starts at zero and accumulates across backward passes until
 * {@link #zeroGrad} is called. Closing releases both tensors.
 */
public final class Param implements AutoCloseable {
    private final String name;
    private final Backend backend;
    private final Tensor value;
    private Tensor grad;

    /** Takes ownership of {@code value} and allocates a zeroed gradient of the same shape. */
    public Param(Backend backend, String name, Tensor value) {
        if (value.dtype() != DType.F32) {
            throw new IllegalArgumentException("parameter " + name + " must be F32, got " + value);
        }
        this.backend = backend;
        this.name = name;
        this.value = value;
        this.grad = backend.empty(DType.F32, value.shape());
        backend.fill(grad, 0f);
    }

    /**
     * A parameter drawn uniformly from [−bound, bound), element by element in row-major order: PyTorch's default
     * initialisation of Linear and Conv2d weights and biases, with bound = 1/√fan_in.
     */
    public static Param uniform(Backend backend, String name, SplittableRandom random, double bound, int... shape) {
        float[] values = new float[Shapes.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-bound, bound);
        }
        return new Param(backend, name, backend.fromArray(values, shape));
    }

    /** The name within its layer, as in a PyTorch state dict: "weight" or "bias". */
    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    public int[] shape() {
        return value.shape();
    }

    public int size() {
        return value.size();
    }

    /**
     * Moves the gradient into {@code destination} (for instance a slice of one buffer holding every parameter's
     * gradient, see {@code GradientArena}), which this parameter then owns: the current gradient is copied there and
     * its old tensor closed.
     *
     * @throws IllegalArgumentException when {@code destination} is not an F32 tensor of this parameter's shape
     */
    public void moveGradientTo(Tensor destination) {
        if (destination.dtype() != DType.F32 || !Arrays.equals(destination.shape(), grad.shape())) {
            throw new IllegalArgumentException("parameter " + name + ": cannot move its gradient " + grad + " to "
                    + destination);
        }
        backend.copy(destination, grad);
        grad.close();
        grad = destination;
    }

    /** grad = 0. */
    public void zeroGrad() {
        backend.fill(grad, 0f);
    }

    @Override
    public void close() {
        value.close();
        grad.close();
    }

    @Override
    public String toString() {
        return name + value;
    }
}
