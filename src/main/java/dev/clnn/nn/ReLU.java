package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;

/**
 * y = max(x, 0) elementwise, any shape. Saves a reference to x; dx = dy where x &gt; 0, else 0.
 *
 * <p>A fused ReLU sits between a convolution that already writes max(·, 0) and a pooling layer whose backward
 * already zeroes the gradient where its input (this ReLU's output) is ≤ 0, which is where this ReLU's input was:
 * forward and backward then pass their argument through, saving two passes over the activations. The layer stays in
 * the model so the layer indices, and with them the state-dict names, do not change.
 */
public final class ReLU implements Layer {
    private final Backend backend;
    private final boolean fused;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public ReLU(Backend backend) {
        this(backend, false);
    }

    /** With {@code fused}, the neighbours do this layer's work (see the class comment): it passes x and dy on. */
    public ReLU(Backend backend, boolean fused) {
        this.backend = backend;
        this.fused = fused;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length == 0 || inputShape[0] <= 0) {
            throw new IllegalArgumentException(this + " expects input [N, ...] but got " + Buffers.str(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = outputShape(x.shape());
        this.x = x;
        if (fused) {
            return x;
        }
        y = Buffers.reuse(backend, y, DType.F32, shape);
        backend.reluForward(y, x, x.size());
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, x == null ? null : x.shape());
        if (fused) {
            return dy;
        }
        dx = Buffers.reuse(backend, dx, DType.F32, x.shape());
        backend.reluBackward(dx, dy, x, x.size());
        return dx;
    }

    @Override
    public void close() {
        Buffers.close(y, dx);
        y = null;
        dx = null;
        x = null;
    }

    @Override
    public String toString() {
        return "relu";
    }
}
