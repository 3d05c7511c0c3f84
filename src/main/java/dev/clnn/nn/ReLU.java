package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;

/** y = max(x, 0) elementwise, any shape. Saves a reference to x; dx = dy where x &gt; 0, else 0. */
public final class ReLU implements Layer {
    private final Backend backend;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public ReLU(Backend backend) {
        this.backend = backend;
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
        y = Buffers.reuse(backend, y, DType.F32, shape);
        backend.reluForward(y, x, x.size());
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
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
