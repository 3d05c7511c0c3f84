package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Pool2d;
import dev.clnn.backend.Tensor;

/**
 * Average pooling over (N, C, H, W) with a square window, as PyTorch's {@code AvgPool2d(k, stride, pad)} with its
 * defaults (floor mode, {@code count_include_pad=True}: every window divides by k·k). Saves the geometry, and a
 * reference to the input after a fused ReLU (see {@link PoolLayer}), whose backward it applies.
 */
public final class AvgPool2d extends PoolLayer {
    private Pool2d p;
    private Tensor x; // the input, kept as the fused ReLU's gate
    private Tensor y; // (n, c, outH, outW)
    private Tensor dx; // (n, c, h, w)

    public AvgPool2d(Backend backend, int k, int stride, int pad) {
        this(backend, k, stride, pad, false);
    }

    /** With {@code fusedRelu}, the input is the output of a fused ReLU whose backward this layer applies. */
    public AvgPool2d(Backend backend, int k, int stride, int pad, boolean fusedRelu) {
        super(backend, k, stride, pad, fusedRelu);
    }

    @Override
    public Tensor forward(Tensor x) {
        p = geometry(x.shape());
        this.x = x;
        y = Buffers.reuse(backend, y, DType.F32, new int[] {p.n(), p.c(), p.outH(), p.outW()});
        backend.avgPoolForward(y, x, p);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        dx = Buffers.reuse(backend, dx, DType.F32, new int[] {p.n(), p.c(), p.h(), p.w()});
        backend.avgPoolBackward(dx, dy, fusedRelu ? x : null, p);
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
        return describe("avgpool2d");
    }
}
