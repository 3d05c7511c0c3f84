package dev.clnn.backend;

/**
 * The op-level interface both backends implement: {@code CpuBackend} (plain loops, the specification) and
 * {@code OpenClBackend} (kernels in kernels/). Arguments come outputs first, then inputs, then sizes. Every op checks
 * the tensors against the sizes before it enqueues anything and throws {@link IllegalArgumentException} naming the
 * shapes on a mismatch. Ops are asynchronous on a device: only the {@code read} methods wait (and the label check
 * of the ops that take class labels, when the labels were written by a kernel rather than uploaded; see
 * {@link #softmaxXentForward}).
 *
 * <p>Activation gradients ({@code dx}) are overwritten; parameter gradients ({@code dW}, {@code db}) accumulate.
 */
public interface Backend extends AutoCloseable {

    /** A short description: "cpu" or the OpenCL device name and driver. */
    String name();

    // ---- storage ------------------------------------------------------------------------------------------------

    /** A tensor whose contents are unspecified until written (devices do not zero memory). */
    Tensor empty(DType dtype, int... shape);

    /** A float tensor holding a copy of {@code data}. */
    Tensor fromArray(float[] data, int... shape);

    /** An int tensor holding a copy of {@code data}. */
    Tensor fromArray(int[] data, int... shape);

    /** Overwrites a float tensor with {@code data} (same element count). */
    void write(Tensor dst, float[] data);

    /** Overwrites an int tensor with {@code data} (same element count). */
    void write(Tensor dst, int[] data);

    /** Copies a float tensor to the host, waiting for the work that produces it. */
    float[] readFloats(Tensor src);

    /**
     * As {@link #readFloats(Tensor)} into the caller's array (same element count), for a caller that reads the same
     * tensors again and again (the data-parallel all-reduce): no new array each time. The default copies.
     */
    default void readFloats(Tensor src, float[] dst) {
        Shapes.check("readFloats", "source", src, DType.F32, dst.length, "the host array");
        System.arraycopy(readFloats(src), 0, dst, 0, dst.length);
    }

    /** Copies an int tensor to the host, waiting for the work that produces it. */
    int[] readInts(Tensor src);

    /** Waits until all enqueued work has finished. */
    void synchronize();

    @Override
    void close();

    // ---- memory helpers -----------------------------------------------------------------------------------------

    /** x[i] = value for every element of a float tensor. */
    void fill(Tensor x, float value);

    /** x[i] = value for every element of an int tensor. */
    void fill(Tensor x, int value);

    /** dst[i] = src[i]; both float tensors with the same element count. */
    void copy(Tensor dst, Tensor src);

    // ---- linear algebra -----------------------------------------------------------------------------------------

    /**
     * General matrix multiply, row-major: C = alpha·op(A)·op(B) + beta·C, with op(A) of shape (m, k) and op(B) of
     * shape (k, n). A is stored (m, k), or (k, m) when {@code transA}; B is stored (k, n), or (n, k) when
     * {@code transB}; C is (m, n). When beta is 0, C is not read (NaN or garbage in C does not propagate).
     */
    void gemm(Tensor c, Tensor a, Tensor b, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float beta);

    /**
     * Adds a per-channel bias in place: y[o, ch, i] += b[ch], with y viewed as (outer, channels, inner). A linear
     * layer's output (batch, features) is (batch, features, 1); a convolution's (n, c, h·w) is (n, c, h·w). With
     * {@code relu}, y = max(y + b, 0) (NaN passes, as {@link #reluForward}): a ReLU fused into a linear layer.
     */
    void biasAddForward(Tensor y, Tensor b, int outer, int channels, int inner, boolean relu);

    /** Bias gradient, accumulated: db[ch] += Σ_{o,i} dy[o, ch, i], with dy viewed as (outer, channels, inner). */
    void biasAddBackward(Tensor db, Tensor dy, int outer, int channels, int inner);

    /**
     * The backward of a ReLU fused into a linear layer, then that layer's bias gradient, in one pass over rows
     * (n, channels): dx = reluOutput &lt;= 0 ? 0 : dy (as {@link #reluBackward}, the ReLU's output being &lt;= 0
     * exactly where its input was), then db[ch] += Σ_r dx[r, ch] (as {@link #biasAddBackward} with inner 1).
     */
    void reluBiasAddBackward(Tensor dx, Tensor db, Tensor dy, Tensor reluOutput, int n, int channels);

    /**
     * Unfolds convolution patches: col (cin·kh·kw, n·outH·outW) from x (n, cin, h, w), zero where a patch covers
     * padding (layout in {@link Conv2dShape}). With it a convolution is W (cout, cin·kh·kw) · col.
     */
    void im2col(Tensor col, Tensor x, Conv2dShape s);

    /**
     * The adjoint of {@link #im2col}: dx (n, cin, h, w) = the sum of every col entry that im2col copied from that
     * input; overwrites dx. It turns the patch gradient into the input gradient.
     */
    void col2im(Tensor dx, Tensor col, Conv2dShape s);

    /** dst (b, a, inner) = src (a, b, inner) with the two leading axes swapped (NCHW ↔ CNHW); overwrites dst. */
    void swapLeadingAxes(Tensor dst, Tensor src, int a, int b, int inner);

    /**
     * {@link #swapLeadingAxes} and {@link #biasAddForward} in one pass: dst[j, i, k] = src[i, j, k] + bias[i] for
     * dst (b, a, inner), src (a, b, inner), bias (a); overwrites dst. A convolution's GEMM output (cout, n, h·w)
     * becomes its output (n, cout, h·w) with the bias added, the same sums as the two ops one after the other. With
     * {@code relu} each sum then goes through {@link #reluForward}'s max(v, 0), for a ReLU fused into the convolution.
     */
    void swapLeadingAxesAddBias(Tensor dst, Tensor src, Tensor bias, int a, int b, int inner, boolean relu);

    /** The algorithm this backend's convolution layers use for shape {@code s} (see {@link ConvPolicy}). */
    ConvAlgorithm convAlgorithm(Conv2dShape s);

    /**
     * Direct convolution, for patches of at most {@link ConvAlgorithm#DIRECT_MAX_PATCH} taps (cin·kh·kw):
     * y[ni, co, r, q] = bias[co] + Σ_{ci, dh, dw} weight[co, ci, dh, dw] · x[ni, ci, r·sh − ph + dh, q·sw − pw + dw],
     * padding counting as 0, the sum taken in (ci, dh, dw) order after the bias with fused multiply-adds. x (n, cin,
     * h, w), weight (cout, cin, kh, kw), bias (cout), y (n, cout, outH, outW); overwrites y. Nothing is saved. With
     * {@code relu} each sum then goes through {@link #reluForward}'s max(v, 0), for a ReLU fused into the convolution.
     */
    void convDirectForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Conv2dShape s, boolean relu);

    /**
     * The parameter gradients of {@link #convDirectForward}, accumulated: dWeight[co, ci, dh, dw] += Σ_{ni, r, q}
     * dy[ni, co, r, q] · x[ni, ci, r·sh − ph + dh, q·sw − pw + dw] and dBias[co] += Σ dy[:, co, :, :]. The input
     * gradient, where wanted, comes from {@link #gemm} and {@link #col2im}. Same shapes and patch limit as forward.
     */
    void convDirectBackward(Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Conv2dShape s);

    // ---- activations --------------------------------------------------------------------------------------------

    /** y = max(x, 0) elementwise over {@code count} elements (NaN stays NaN, as in PyTorch). */
    void reluForward(Tensor y, Tensor x, int count);

    /** dx = dy where x &gt; 0, else 0; overwrites dx. */
    void reluBackward(Tensor dx, Tensor dy, Tensor x, int count);

    /**
     * Inverted dropout over {@code rows} rows of {@code rowLength} floats, row-major: y[r, e] = x[r, e] · scale
     * where {@code draw} keeps element e of row r ({@link DropoutDraw#keeps}), else 0; scale = 1 / (1 − p). Nothing
     * is saved for backward: {@link #dropoutBackward} draws the same mask again from the same {@code draw}. A dropped
     * NaN gives 0. Overwrites y.
     */
    void dropoutForward(Tensor y, Tensor x, int rows, int rowLength, DropoutDraw draw);

    /** dx[r, e] = dy[r, e] · scale where {@code draw} keeps element e of row r, else 0: the forward's mask; overwrites dx. */
    void dropoutBackward(Tensor dx, Tensor dy, int rows, int rowLength, DropoutDraw draw);

    // ---- pooling (NCHW) -----------------------------------------------------------------------------------------

    /**
     * Max pooling: y (n, c, outH, outW) = the maximum over each window of x (n, c, h, w), padding counting as −∞.
     * Saves, per output, the index (row·w + col) of the winning input within its (h, w) plane in {@code argmax}
     * (I32, same shape as y); the first maximum in row-major window order wins ties; NaN wins over numbers.
     */
    void maxPoolForward(Tensor y, Tensor argmax, Tensor x, Pool2d p);

    /**
     * dx (n, c, h, w) = Σ of dy over the outputs whose saved arg-max is that input; overwrites dx. With {@code y}
     * (else null), the forward's output, where the pool's input x is a ReLU's output: each dy is dropped where
     * y ≤ 0, which makes dx 0 wherever x ≤ 0 (an output's gradient reaches only its arg-max, where x = y), which is
     * {@link #reluBackward} folded in (x ≤ 0 exactly where the ReLU's input was).
     */
    void maxPoolBackward(Tensor dx, Tensor dy, Tensor argmax, Tensor y, Pool2d p);

    /**
     * Average pooling with {@code count_include_pad=True}: y = (Σ of x over the window, padding counting as 0) /
     * (kh·kw).
     */
    void avgPoolForward(Tensor y, Tensor x, Pool2d p);

    /**
     * dx = Σ over the windows containing each input of dy / (kh·kw); overwrites dx. With {@code reluOutput} (else
     * null), the pool's input x (n, c, h, w) where it is a ReLU's output: dx is 0 wherever x ≤ 0, which is
     * {@link #reluBackward} folded in (x ≤ 0 exactly where the ReLU's input was).
     */
    void avgPoolBackward(Tensor dx, Tensor dy, Tensor reluOutput, Pool2d p);

    // ---- batch normalisation (PyTorch BatchNorm1d/2d), activations viewed as (n, channels, inner) -----------------

    /**
     * Batch normalisation in training mode over x (n, channels, inner): a BatchNorm1d input (n, features) is
     * (n, features, 1), a BatchNorm2d input (n, c, h, w) is (n, c, h·w). Per channel, over its m = n·inner values:
     * mean = Σ x / m, var = Σ (x − mean)² / m (biased), invStd = 1 / √(var + eps), and
     * y = (x − mean)·invStd·weight + bias. Writes y (n, channels, inner) and saves mean and invStd (channels each)
     * for {@link #batchNormBackward}; updates the running statistics in place (channels each):
     * runningMean = (1 − momentum)·runningMean + momentum·mean, runningVar = (1 − momentum)·runningVar +
     * momentum·var·m/(m − 1) (the unbiased variance). Sums run over a fixed order, so results are deterministic.
     *
     * @throws IllegalArgumentException when m = 1 (PyTorch: "Expected more than 1 value per channel when training")
     */
    void batchNormForward(Tensor y, Tensor mean, Tensor invStd, Tensor runningMean, Tensor runningVar, Tensor x,
            Tensor weight, Tensor bias, int n, int channels, int inner, float momentum, float eps);

    /**
     * Batch normalisation in evaluation mode, with the running statistics (channels each):
     * y = (x − runningMean)·(weight / √(runningVar + eps)) + bias; overwrites y (n, channels, inner).
     */
    void batchNormEvalForward(Tensor y, Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
            int n, int channels, int inner, float eps);

    /**
     * The gradient of {@link #batchNormForward} from its saved mean and invStd (channels each): with
     * xhat = (x − mean)·invStd and m = n·inner, per channel, dWeight += Σ dy·xhat and dBias += Σ dy (accumulated),
     * and dx = weight·invStd·(dy − Σ dy / m − xhat·Σ (dy·xhat) / m) (overwritten; the gradient through the batch's
     * mean and variance). dx, dy and x are (n, channels, inner).
     */
    void batchNormBackward(Tensor dx, Tensor dWeight, Tensor dBias, Tensor dy, Tensor x, Tensor mean, Tensor invStd,
            Tensor weight, int n, int channels, int inner);

    // ---- losses (mean reductions, as PyTorch) -------------------------------------------------------------------

    /**
     * Fused softmax + cross-entropy over logits (n, classes) with class indices {@code labels} (I32, n):
     * probs = softmax(logits) row-wise, loss (1 element) = −1/n Σ_i log probs[i, labels[i]], computed as
     * logsumexp(row) − logit[label] with the row maximum subtracted. Saves probs for backward. With a
     * {@code dLogits} (null for none), also writes what {@link #softmaxXentBackward} would from these probs, in the
     * same pass: the gradient of a training step without a launch of its own.
     *
     * <p>Every op that takes class labels (this one, {@link #softmaxXentBackward}, {@link #countCorrect}) rejects a
     * label outside [0, classes) with an {@link IllegalArgumentException} naming the first such label and its index
     * ({@code labels[5] = 10 is outside [0, 10)}), on every backend, before computing anything. On a device, labels
     * uploaded from the host are checked against the range of that upload, with no device traffic; labels a kernel
     * wrote are read back once, which waits for the device.
     */
    void softmaxXentForward(Tensor loss, Tensor probs, Tensor dLogits, Tensor logits, Tensor labels, int n,
            int classes);

    /**
     * dLogits = (probs − onehot(labels)) / n; overwrites dLogits. Rejects labels outside [0, classes) as
     * {@link #softmaxXentForward} does.
     */
    void softmaxXentBackward(Tensor dLogits, Tensor probs, Tensor labels, int n, int classes);

    /** Mean squared error over all {@code count} elements: loss (1 element) = 1/count Σ (pred − target)². */
    void mseForward(Tensor loss, Tensor pred, Tensor target, int count);

    /** dPred = 2 (pred − target) / count; overwrites dPred. */
    void mseBackward(Tensor dPred, Tensor pred, Tensor target, int count);

    /**
     * KL divergence D_KL(p ‖ q) = H(p, q) − H(p) with PyTorch's {@code KLDivLoss(reduction="batchmean")}
     * convention: the input is log q (n, classes), the target p (n, classes); loss = 1/n Σ p·(log p − log q),
     * where terms with p = 0 contribute 0.
     */
    void klDivForward(Tensor loss, Tensor logQ, Tensor p, int n, int classes);

    /** dLogQ = −p / n; overwrites dLogQ. */
    void klDivBackward(Tensor dLogQ, Tensor p, int n, int classes);

    /**
     * Row-wise log-softmax of x (n, classes): y[r, j] = x[r, j] − max_r − log Σ_k exp(x[r, k] − max_r), with the row
     * maximum subtracted so that exp() cannot overflow; overwrites y (n, classes). y is what
     * {@link #logSoftmaxBackward} takes, exp(y) being the softmax.
     */
    void logSoftmaxForward(Tensor y, Tensor x, int n, int classes);

    /**
     * The gradient of {@link #logSoftmaxForward}: dx[r, j] = dy[r, j] − exp(y[r, j]) · Σ_k dy[r, k] for dy and the
     * forward output y, all (n, classes); overwrites dx.
     */
    void logSoftmaxBackward(Tensor dx, Tensor dy, Tensor y, int n, int classes);

    /**
     * out (F32, 1 element) = scale · Σ x[i] over the {@code count} elements of x; overwrites out. The loss means of
     * the OpenCL backend are this op over per-element terms. The device sums in float in a fixed order (compensated
     * partial sums, then trees), so its result is the same on every run; the reference sums in double. With a
     * non-finite term the result is non-finite, but whether Inf or NaN may differ between backends.
     */
    void reduceSum(Tensor out, Tensor x, int count, float scale);

    /**
     * out (F32, 1 element) += Σ x[i]² over the {@code count} elements of x; accumulates, so a sum over several
     * tensors is this op on each in turn after out is set to 0. The device sums in float in the fixed order of
     * {@link #reduceSum}; the reference sums in double and adds to out in float.
     */
    void sumSquares(Tensor out, Tensor x, int count);

    /**
     * Gradient clipping by a global L2 norm, PyTorch's {@code clip_grad_norm_}: with norm = sqrt(sumSquares[0]) and
     * coef = maxNorm / (norm + 1e-6), every x[i] of the {@code count} elements is multiplied by min(coef, 1) in
     * place (a NaN coefficient stays NaN). sumSquares (F32, 1 element) is read on the device, as {@link #sumSquares}
     * leaves it, so nothing comes back to the host.
     */
    void clipGradNorm(Tensor x, Tensor sumSquares, int count, float maxNorm);

    // ---- optimiser ----------------------------------------------------------------------------------------------

    /**
     * One in-place step of PyTorch's SGD over {@code count} elements: g = grad + λ·w; with momentum μ the buffer
     * becomes b = g on the first step, else b = μ·b + (1 − τ)·g, and g = g + μ·b (Nesterov) or g = b; then
     * w = w − η·g. {@code momentumBuf} may be null when μ = 0.
     */
    void sgdUpdate(Tensor param, Tensor momentumBuf, Tensor grad, int count, SgdHyper hyper, boolean firstStep);

    /**
     * One in-place step of PyTorch's Adam or AdamW over {@code count} elements, in the float operations of its
     * single-tensor implementation: w = w·(1 − η·λ) (AdamW) or g = grad + λ·w (Adam); m = lerp(m, g, 1 − β₁);
     * v = v·β₂ + (1 − β₂)·g·g; with amsgrad vmax = max(vmax, v) and s = vmax, else s = v;
     * w = w + (−η/(1 − β₁^t))·m / (√s / √(1 − β₂^t) + ε). m, v and vmax are updated in place and start at 0 before
     * step 1; {@code vmax} may be null without amsgrad.
     */
    void adamUpdate(Tensor param, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, Tensor grad, int count,
            AdamHyper hyper);

    // ---- metrics ------------------------------------------------------------------------------------------------

    /** idx[i] (I32) = the index of the largest of x[i, :] (first one on ties, NaN counts as largest). */
    void argmaxRows(Tensor idx, Tensor x, int n, int classes);

    /**
     * count (I32, 1 element) = the number of rows i whose arg-max equals labels[i]; overwrites count. Rejects labels
     * outside [0, classes) as {@link #softmaxXentForward} does.
     */
    void countCorrect(Tensor count, Tensor x, Tensor labels, int n, int classes);
}
