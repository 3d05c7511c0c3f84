package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.Tensor;

/**
 * Max pooling over (N, C, H, W) with a square window, as PyTorch's {@code MaxPool2d(k, stride, pad)} (floor mode,
 * padding counts as −∞, at most half the window). Saves the I32 arg-max of every output; backward routes dy to it
 * (and after a fused ReLU, see {@link PoolLayer}, drops it where the output, the winning input, is ≤ 0).
 */
public final class MaxPool2d extends PoolLayer {
    private Pool2d p;
    private Tensor y; // (n, c, outH, outW)
    private Tensor argmax; // (n, c, outH, outW), I32 index within the (h, w) plane
    private Tensor dx; // (n, c, h, w)

    public MaxPool2d(Backend backend, int k, int stride, int pad) {
        this(backend, k, stride, pad, false);
    }

    /** With {@code fusedRelu}, the input is the output of a fused ReLU whose backward this layer applies. */
    public MaxPool2d(Backend backend, int k, int stride, int pad, boolean fusedRelu) {
        super(backend, k, stride, pad, fusedRelu);
    }

    @Override
    public Tensor forward(Tensor x) {
        p = geometry(x.shape());
        int[] shape = {p.n(), p.c(), p.outH(), p.outW()};
        y = Buffers.reuse(backend, y, DType.F32, shape);
        argmax = Buffers.reuse(backend, argmax, DType.I32, shape);
        backend.maxPoolForward(y, argmax, x, p);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        dx = Buffers.reuse(backend, dx, DType.F32, new int[] {p.n(), p.c(), p.h(), p.w()});
        backend.maxPoolBackward(dx, dy, argmax, fusedRelu ? y : null, p);
        return dx;
    }

    @Override
    public void close() {
        Buffers.close(y, argmax, dx);
        y = null;
        argmax = null;
        dx = null;
    }

    @Override
    public String toString() {
        return describe("maxpool2d");
    }
}
