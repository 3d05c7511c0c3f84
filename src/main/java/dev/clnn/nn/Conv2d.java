package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Conv2dShape;
import dev.clnn.backend.ConvAlgorithm;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A 2-D convolution over NCHW input with PyTorch's {@code nn.Conv2d} layout and names: weight (cout, cin, k, k), bias
 * (cout), zero padding. Computed by the algorithm the backend chooses for the shape ({@link ConvAlgorithm}): as GEMMs
 * over the im2col matrix (see {@link Conv2dShape}), forward y = W · im2col(x) + b, backward dW += dy · colᵀ,
 * db += Σ dy; or directly from x for few input channels. Either way dx = col2im(Wᵀ · dy). A convolution built with
 * {@code fusedRelu} writes max(y, 0) instead: the ReLU after it, whose backward the pooling after that applies
 * (see {@link ReLU#ReLU(Backend, boolean)}); dy then arrives as the gradient of y before the ReLU.
 */
public final class Conv2d implements Layer {
    private final Backend backend;
    private final int cin;
    private final int cout;
    private final int k;
    private final int stride;
    private final int pad;
    private final Param weight; // (cout, cin, k, k), used as (cout, cin·k·k)
    private final Param bias; // (cout)
    private final boolean fusedRelu;
    private Conv2dShape shape;
    private ConvAlgorithm algorithm;
    private Tensor x; // (n, cin, h, w): the input, kept for the direct algorithm's gradient
    private Tensor col; // (cin·k·k, n·outH·outW)
    private Tensor yT; // (cout, n, outH·outW): the GEMM's output order
    private Tensor y; // (n, cout, outH, outW)
    private Tensor dyT; // (cout, n, outH·outW)
    private Tensor dcol; // like col
    private Tensor dWt; // (cin·k·k, cout): the weight gradient transposed, where that is the cheaper GEMM
    private Tensor dx; // (n, cin, h, w)

    /**
     * Initialised as PyTorch's {@code nn.Conv2d}: weight and bias uniform in [−1/√fan_in, 1/√fan_in] with
     * fan_in = cin·k·k, drawn from {@code init} (weight first, then bias).
     */
    public Conv2d(Backend backend, int cin, int cout, int k, int stride, int pad, SplittableRandom init) {
        this(backend, cin, cout, k, stride, pad, init, false);
    }

    /** As above; with {@code fusedRelu} the output is max(y, 0), the ReLU that follows folded into the store. */
    public Conv2d(Backend backend, int cin, int cout, int k, int stride, int pad, SplittableRandom init,
            boolean fusedRelu) {
        if (cin <= 0 || cout <= 0 || k <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("conv(" + cin + ", " + cout + ", " + k + ", " + stride + ", " + pad
                    + ") needs positive channels, kernel and stride and a padding ≥ 0");
        }
        this.backend = backend;
        this.cin = cin;
        this.cout = cout;
        this.k = k;
        this.stride = stride;
        this.pad = pad;
        this.fusedRelu = fusedRelu;
        double bound = 1.0 / Math.sqrt(Math.multiplyExact(cin, k * k));
        this.weight = Param.uniform(backend, "weight", init, bound, cout, cin, k, k);
        this.bias = Param.uniform(backend, "bias", init, bound, cout);
    }

    /** The square kernel's side. */
    public int kernelSize() {
        return k;
    }

    public int stride() {
        return stride;
    }

    /** Zero padding on each of the four sides. */
    public int padding() {
        return pad;
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 4 || inputShape[1] != cin || inputShape[0] <= 0
                || inputShape[2] + 2 * pad < k || inputShape[3] + 2 * pad < k) {
            throw new IllegalArgumentException(this + " expects input [N, " + cin + ", H, W] with H, W ≥ "
                    + Math.max(1, k - 2 * pad) + " but got " + Buffers.str(inputShape));
        }
        Conv2dShape s = geometry(inputShape);
        return new int[] {s.n(), cout, s.outH(), s.outW()};
    }

    private Conv2dShape geometry(int[] in) {
        return Conv2dShape.square(in[0], cin, in[2], in[3], cout, k, stride, pad);
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] outShape = outputShape(x.shape());
        shape = geometry(x.shape());
        algorithm = backend.convAlgorithm(shape);
        y = Buffers.reuse(backend, y, DType.F32, outShape);
        if (algorithm == ConvAlgorithm.DIRECT) {
            this.x = x;
            backend.convDirectForward(y, x, weight.value(), bias.value(), shape, fusedRelu);
            return y;
        }
        col = Buffers.reuse(backend, col, DType.F32, new int[] {shape.patch(), shape.columns()});
        yT = Buffers.reuse(backend, yT, DType.F32, new int[] {cout, shape.columns()});
        backend.im2col(col, x, shape);
        // yT (cout, n·P) = W (cout, cin·k·k) · col (cin·k·k, n·P)
        backend.gemm(yT, weight.value(), col, false, false, cout, shape.columns(), shape.patch(), 1f, 0f);
        backend.swapLeadingAxesAddBias(y, yT, bias.value(), cout, shape.n(), shape.pixels(), fusedRelu);
        return y;
    }

    @Override
    public void backwardParametersOnly(Tensor dy) {
        accumulateParameterGradients(dy, false);
    }

    /** dW += dy · colᵀ (or its direct form) and db += Σ dy; leaves dyT (cout, n·P) for the input gradient. */
    private void accumulateParameterGradients(Tensor dy, boolean inputGradientFollows) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        Conv2dShape s = shape;
        if (algorithm == ConvAlgorithm.DIRECT) {
            backend.convDirectBackward(weight.grad(), bias.grad(), dy, x, s);
            if (inputGradientFollows) {
                dyT = Buffers.reuse(backend, dyT, DType.F32, new int[] {cout, s.columns()});
                backend.swapLeadingAxes(dyT, dy, s.n(), cout, s.pixels());
            }
            return;
        }
        dyT = Buffers.reuse(backend, dyT, DType.F32, new int[] {cout, s.columns()});
        backend.swapLeadingAxes(dyT, dy, s.n(), cout, s.pixels());
        if (s.patch() > cout) {
            // dWᵀ (cin·k·k, cout) += col (cin·k·k, n·P) · dyTᵀ (n·P, cout): the GEMM's transposing pack then moves
            // dyT, the smaller of the two long operands, and col is packed as it is; two tiny swaps turn the
            // accumulated gradient around and back.
            dWt = Buffers.reuse(backend, dWt, DType.F32, new int[] {s.patch(), cout});
            backend.swapLeadingAxes(dWt, weight.grad(), cout, s.patch(), 1);
            backend.gemm(dWt, col, dyT, false, true, s.patch(), cout, s.columns(), 1f, 1f);
            backend.swapLeadingAxes(weight.grad(), dWt, s.patch(), cout, 1);
        } else {
            // dW (cout, cin·k·k) += dyT (cout, n·P) · colᵀ (n·P, cin·k·k)
            backend.gemm(weight.grad(), dyT, col, false, true, cout, s.patch(), s.columns(), 1f, 1f);
        }
        // The channel-major copy makes every channel one contiguous row to sum.
        backend.biasAddBackward(bias.grad(), dyT, 1, cout, s.columns());
    }

    @Override
    public Tensor backward(Tensor dy) {
        accumulateParameterGradients(dy, true);
        Conv2dShape s = shape;
        dcol = Buffers.reuse(backend, dcol, DType.F32, new int[] {s.patch(), s.columns()});
        dx = Buffers.reuse(backend, dx, DType.F32, new int[] {s.n(), cin, s.h(), s.w()});
        // dcol (cin·k·k, n·P) = Wᵀ (cin·k·k, cout) · dyT (cout, n·P)
        backend.gemm(dcol, weight.value(), dyT, true, false, s.patch(), s.columns(), cout, 1f, 0f);
        backend.col2im(dx, dcol, s);
        return dx;
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
        Buffers.close(col, yT, y, dyT, dcol, dx, dWt);
        col = yT = y = dyT = dcol = dx = x = dWt = null;
    }

    @Override
    public String toString() {
        return "conv(" + cin + ", " + cout + ", " + k + ", stride " + stride + ", pad " + pad + ")";
    }
}
