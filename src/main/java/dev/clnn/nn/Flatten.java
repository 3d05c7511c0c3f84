package dev.clnn.nn;

import dev.clnn.backend.Tensor;

/**
 * (N, d1, d2, …) → (N, d1·d2·…), as PyTorch's {@code nn.Flatten()}. Forward returns a view of x and backward a view
 * of dy, so no data moves and nothing is allocated.
 */
public final class Flatten implements Layer {
    private int[] inputShape;
    private int[] outShape;

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length < 1 || inputShape[0] <= 0) {
            throw new IllegalArgumentException(this + " expects input [N, ...] but got " + Buffers.str(inputShape));
        }
        long features = 1;
        for (int i = 1; i < inputShape.length; i++) {
            features *= inputShape[i];
        }
        return new int[] {inputShape[0], Math.toIntExact(features)};
    }

    @Override
    public Tensor forward(Tensor x) {
        outShape = outputShape(x.shape());
        inputShape = x.shape();
        return x.view(outShape);
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, outShape);
        return dy.view(inputShape);
    }

    @Override
    public void close() {
        // Views own no storage.
    }

    @Override
    public String toString() {
        return "flatten";
    }
}
