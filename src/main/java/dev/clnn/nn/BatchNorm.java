package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.DType;
import dev.clnn.backend.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalisation with PyTorch's {@code nn.BatchNorm1d} (input (N, C)) or {@code nn.BatchNorm2d} (input
 * (N, C, H, W)) semantics and defaults: eps 1e-5, momentum 0.1, affine weight (ones) and bias (zeros), running
 * statistics tracked. In training mode it normalises with the batch's statistics per channel (over N, or N·H·W)
 * and updates {@code running_mean}, {@code running_var} (with the unbiased variance) and {@code num_batches_tracked};
 * in evaluation mode it normalises with the running statistics and updates nothing.
 *
 * <p>Backward is the training-mode gradient through the batch's mean and variance. After an evaluation-mode forward
 * it is refused: clnn only trains in training mode, and the gradient of the frozen affine map is not needed.
 */
public final class BatchNorm implements Layer {
    /** PyTorch's defaults. */
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    private final Backend backend;
    private final int channels;
    private final boolean spatial;
    private final Param weight; // (c)
    private final Param bias; // (c)
    private final StateBuffer runningMean; // (c)
    private final StateBuffer runningVar; // (c)
    private final StateBuffer batches;
    private final Tensor mean; // (c), the last training batch's, for backward
    private final Tensor invStd; // (c), the last training batch's, for backward
    private boolean training = true;
    private boolean savedForBackward;
    private Tensor x; // (n, c[, h, w]), the caller's tensor
    private Tensor y;
    private Tensor dx;

    /** {@code spatial}: BatchNorm2d over (N, C, H, W); else BatchNorm1d over (N, C). */
    public BatchNorm(Backend backend, int channels, boolean spatial) {
        if (channels <= 0) {
            throw new IllegalArgumentException((spatial ? "batchnorm2d(" : "batchnorm1d(") + channels
                    + ") needs a positive size");
        }
        this.backend = backend;
        this.channels = channels;
        this.spatial = spatial;
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        this.weight = new Param(backend, "weight", backend.fromArray(ones, channels));
        this.bias = new Param(backend, "bias", backend.fromArray(new float[channels], channels));
        this.runningMean = StateBuffer.tensor(backend, "running_mean", backend.fromArray(new float[channels], channels));
        this.runningVar = StateBuffer.tensor(backend, "running_var", backend.fromArray(ones, channels));
        this.batches = StateBuffer.count("num_batches_tracked");
        this.mean = backend.empty(DType.F32, channels);
        this.invStd = backend.empty(DType.F32, channels);
    }

    /** Whether this is BatchNorm2d over (N, C, H, W) rather than BatchNorm1d over (N, C). */
    public boolean spatial() {
        return spatial;
    }

    /** (c): the statistics eval mode normalises with. */
    public StateBuffer runningMean() {
        return runningMean;
    }

    /** (c) */
    public StateBuffer runningVar() {
        return runningVar;
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        boolean fits = inputShape.length == (spatial ? 4 : 2) && inputShape[1] == channels && inputShape[0] > 0;
        if (!fits) {
            throw new IllegalArgumentException(this + " expects input " + (spatial ? "[N, " + channels + ", H, W]"
                    : "[N, " + channels + "]") + " but got " + Buffers.str(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] shape = outputShape(x.shape());
        int n = shape[0];
        int inner = spatial ? shape[2] * shape[3] : 1;
        this.x = x;
        y = Buffers.reuse(backend, y, DType.F32, shape);
        if (training) {
            backend.batchNormForward(y, mean, invStd, runningMean.tensor(), runningVar.tensor(), x, weight.value(),
                    bias.value(), n, channels, inner, MOMENTUM, EPS);
            batches.setCount(batches.count() + 1);
        } else {
            backend.batchNormEvalForward(y, x, weight.value(), bias.value(), runningMean.tensor(),
                    runningVar.tensor(), n, channels, inner, EPS);
        }
        savedForBackward = training;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Buffers.requireShape(toString(), "dy", dy, y == null ? null : y.shape());
        if (!savedForBackward) {
            throw new IllegalStateException(this + ": backward needs a training-mode forward pass (in evaluation mode"
                    + " there are no batch statistics to differentiate)");
        }
        int[] shape = x.shape();
        int inner = spatial ? shape[2] * shape[3] : 1;
        dx = Buffers.reuse(backend, dx, DType.F32, shape);
        backend.batchNormBackward(dx, weight.grad(), bias.grad(), dy, x, mean, invStd, weight.value(), shape[0],
                channels, inner);
        return dx;
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public List<StateBuffer> buffers() {
        return List.of(runningMean, runningVar, batches);
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
        runningMean.tensor().close();
        runningVar.tensor().close();
        Buffers.close(mean, invStd, y, dx);
        y = null;
        dx = null;
        x = null;
    }

    @Override
    public String toString() {
        return (spatial ? "batchnorm2d(" : "batchnorm1d(") + channels + ")";
    }
}
