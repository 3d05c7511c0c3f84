package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Pool2d;

/**
 * What max and average pooling share: a square window, stride and padding over NCHW input, and its validation; and,
 * after a fused ReLU ({@link ReLU#ReLU(Backend, boolean)}), that ReLU's backward folded into the pooling's: the
 * gradient is zeroed where the input, the ReLU's output, is ≤ 0.
 */
abstract class PoolLayer implements Layer {
    final Backend backend;
    final int k;
    final int stride;
    final int pad;
    final boolean fusedRelu;

    PoolLayer(Backend backend, int k, int stride, int pad, boolean fusedRelu) {
        this.backend = backend;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.fusedRelu = fusedRelu;
        // Reject a bad window now, not at the first forward pass: a 1x1 image padded as wide as the window fits.
        Pool2d.square(1, 1, k, k, k, stride, pad);
    }

    /** The square kernel's side. */
    public int kernelSize() {
        return k;
    }

    public int stride() {
        return stride;
    }

    /** Padding on each of the four sides. */
    public int padding() {
        return pad;
    }

    /** The geometry for an (N, C, H, W) input, or an exception naming this layer and the shape. */
    Pool2d geometry(int[] inputShape) {
        if (inputShape.length != 4) {
            throw new IllegalArgumentException(this + " expects input [N, C, H, W] but got "
                    + Buffers.str(inputShape));
        }
        try {
            return Pool2d.square(inputShape[0], inputShape[1], inputShape[2], inputShape[3], k, stride, pad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this + " cannot pool input " + Buffers.str(inputShape) + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Pool2d p = geometry(inputShape);
        return new int[] {p.n(), p.c(), p.outH(), p.outW()};
    }

    String describe(String kind) {
        return kind + "(kernel_size=" + k + ", stride=" + stride + ", padding=" + pad + ")";
    }
}
