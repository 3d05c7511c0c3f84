package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected layer, y (n, out) = x (n, in) · Wᵀ + b, with PyTorch's layout and names: weight (out, in), bias
 * (out). Input is (N, in) only; put a {@link Flatten} in front of image tensors. Saves a reference to x.
 *
 * <p>With a fused ReLU (the {@link ReLU} after it passes its argument through) it writes max(y, 0) with the bias,
 * and its backward first zeroes dy where that output is ≤ 0, together with the bias gradient
 * ({@link Backend#reluBiasAddBackward}): the same values as the two layers apart, with two passes over the
 * activations and two kernels fewer per step.
 */
public final class Linear implements Layer {
    private final Backend backend;
    private final int in;
    private final int out;
    private final Param weight; // (out, in)
    private final Param bias; // (out)
    private Tensor x; // (n, in), the caller's tensor
    private Tensor y; // (n, out)
    private Tensor dx; // (n, in)
    private final boolean reluFused;
    private Tensor dyGated; // (n, out): dy through the fused ReLU's backward

    /**
     * Initialised as PyTorch's {@code nn.Linear}: weight and bias each uniform in [−1/√in, 1/√in], drawn from
     * {@code init} (weight row-major first, then bias).
     */
    public Linear(Backend backend, int in, int out, SplittableRandom init) {
        this(backend, in, out, init, false);
    }

    /** With {@code reluFused}, the ReLU that follows is done here (see the class comment). */
    public Linear(Backend backend, int in, int out, SplittableRandom init, boolean reluFused) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("linear(" + in + ", " + out + ") needs positive sizes");
        }
        this.backend = backend;
        this.in = in;
        this.out = out;
        this.reluFused = reluFused;
        double bound = 1.0 / Math.sqrt(in);
        this.weight = Param.uniform(backend, "weight", init, bound, out, in);
        this.bias = Param.uniform(backend, "bias", init, bound, out);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 2 || inputShape[1] != in || inputShape[0] <= 0) {
            throw new IllegalArgumentException(this + " expects input [N, " + in + "] but got "
                    + Buffers.str(inputShape));
        }
        return new int[] {inputShape[0], out};
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = outputShape(x.shape());
        int n = shape[0];
        this.x = x;
        y = Buffers.reuse(backend, y, DType.F32, shape);
        backend.gemm(y, x, weight.value(), false, true, n, out, in, 1f, 0f);
        backend.biasAddForward(y, bias.value(), n, out, 1, reluFused);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        int n = x.dim(0);
        Tensor g = accumulateParameterGradients(dy);
        // dx (n, in) = dy (n, out) · W (out, in)
        dx = Buffers.reuse(backend, dx, DType.F32, x.shape());
        backend.gemm(dx, g, weight.value(), false, false, n, in, out, 1f, 0f);
        return dx;
    }

    @Override
    public void backwardParametersOnly(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        accumulateParameterGradients(dy);
    }

    /** Accumulates dW and db; returns the gradient at this layer's pre-ReLU output (dy itself without a fused ReLU). */
    private Tensor accumulateParameterGradients(Tensor dy) {
        int n = x.dim(0);
        Tensor g = dy;
        if (reluFused) {
            dyGated = Buffers.reuse(backend, dyGated, DType.F32, y.shape());
            backend.reluBiasAddBackward(dyGated, bias.grad(), dy, y, n, out);
            g = dyGated;
        } else {
            backend.biasAddBackward(bias.grad(), dy, n, out, 1);
        }
        // dW (out, in) += dyᵀ (out, n) · x (n, in)
        backend.gemm(weight.grad(), g, x, true, false, out, in, n, 1f, 1f);
        return g;
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
        Buffers.close(y, dx, dyGated);
        y = null;
        dx = null;
        dyGated = null;
        x = null;
    }

    @Override
    public String toString() {
        return "linear(" + in + ", " + out + ")";
    }
}
