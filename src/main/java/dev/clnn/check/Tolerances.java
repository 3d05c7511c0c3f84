package dev.clnn.check;

/**
 * Every fp32 tolerance the checks compare a device (or a faster path) against the reference with, in one table. Each
 * is a relative error {@code ‖actual − reference‖₂ / ‖reference‖₂} unless its comment says otherwise, and each
 * comment gives the arithmetic behind the number. u = 2^-24 ≈ 6e-8 is fp32's unit roundoff; the references sum in
 * double and round once, so nearly all the error is the checked side's float arithmetic.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** ReLU, max pooling values and argmax, the SGD step: the same float operations in the same order. */
    public static final double EXACT = 0;

    /**
     * GEMM with K ≤ ~1000: a float dot product of K terms accumulated with fma errs by at most K·u relative in the
     * worst case and about √K·u ≈ 2e-6 typically at K = 1000 (a different order, split-K or vector lanes change
     * which of the two, not the size). 1e-5 leaves a factor 5 to 15 over the typical error, while a wrong tile,
     * transposition or a C read when beta is 0 gives errors of order 1. The tuner, the self-check, the parity checks
     * and the benchmarks all gate on it.
     */
    public static final double GEMM = 1e-5;

    /**
     * The convolution layer in the parity checks (im2col, GEMMs, axis swaps, bias; forward and all gradients): its
     * GEMMs sum cin·k·k ≤ 400 terms forward and n·outH·outW ≤ 50176 for the weight gradient, ~√K·u ≤ 1e-5, and a
     * gradient passes through two products, hence twice {@link #GEMM}.
     */
    public static final double CONV_LAYER = 2e-5;

    /**
     * One convolution algorithm's candidate while tuning, on the tuner's smaller cases: the longest sums are the
     * parameter gradients' over n·outH·outW ≤ 429 terms, whose rounding differs by about √429·u ≈ 1.2e-6 for another
     * summation order (the direct kernel's slices, the GEMM's blocks and split-K); 1e-5 leaves a factor 8, tighter
     * than {@link #CONV_LAYER}, whose larger shapes sum longer. A wrong tap, channel, stride or padding gives errors
     * of order 1.
     */
    public static final double CONV_TUNING = 1e-5;

    /**
     * Sums over many terms (bias gradients, loss means, the direct convolution's weight gradient): float tree or
     * Kahan sums against double; the error grows like log2(count)·u ≈ 1.2e-6 for a million terms, and the terms' own
     * rounding adds ~1e-7.
     */
    public static final double REDUCTION = 1e-5;

    /**
     * reduceSum, as a bound on |device − reference| / (|scale|·Σ|x|): a worst case for any input, not a typical
     * error. In each of the two passes a work-item's compensated (Kahan) sum errs by at most 2u of its terms'
     * magnitudes and the tree by u per level over log2(REDUCE_LOCAL) ≤ 8 levels; the scaling and the reference's
     * rounding to float add u each: (2·(2 + 8) + 1 + 1)·u = 22u, about 1.3e-6. Kahan's second-order term,
     * count·u² of the magnitudes, is below 1e-8 at a million terms.
     */
    public static final double REDUCE_SUM_BOUND = 22 * 0x1p-24;

    /**
     * sumSquares, as a bound on |device − reference| / (out₀ + Σx²) for a starting value out₀ ≥ 0: the terms are
     * ≥ 0, so Σ|terms| is the sum itself. The two passes of {@link #REDUCE_SUM_BOUND} give 2·(2 + 8)·u; the device
     * also rounds each square (u) and the addition to out₀ (u), the reference its double sum to float (u) and its
     * addition to out₀ (u): 24u, about 1.4e-6.
     */
    public static final double SUM_SQUARES_BOUND = 24 * 0x1p-24;

    /**
     * clipGradNorm, per element relative to the reference, from the same sum of squares: OpenCL's full profile
     * allows sqrt 3 ulp and division 2.5 ulp, the addition of 1e-6 and the product round to 0.5 ulp each; an ulp is
     * at most 2u relative, and each error passes to the result with a factor of at most 1: 6.5 ulp ≤ 13u, about
     * 7.7e-7. A device with correctly rounded sqrt and division matches exactly.
     */
    public static final double CLIP_GRAD_NORM = 13 * 0x1p-24;

    /**
     * Softmax probabilities, the per-row log-sum-exp and the cross-entropy gradient: float exp/log (≤ 3 ulp in
     * OpenCL's full-profile precision) against double, plus a float sum over the classes: a few 1e-7 per element.
     */
    public static final double SOFTMAX = 1e-5;

    /**
     * Average pooling: the same float sum order on both sides, but the window sum and the divisor round in float:
     * a few u per element, so 1e-6 (most cases are bit-identical).
     */
    public static final double AVG_POOL = 1e-6;

    /**
     * Log-softmax and its gradient: per element (x − max) − log Σ exp, a float exp and log within 3 ulp and a float
     * sum over the classes in another order than the reference's double sum, a few u relative; the gradient
     * dy − exp(y)·Σdy adds a float sum of the row's dy. Rows far from their maximum round x − max to u of its size,
     * which the norm over the row weighs like the reference. 1e-5 leaves a wide margin over the few 1e-7 seen.
     */
    public static final double LOG_SOFTMAX = 1e-5;

    /**
     * Batch norm in training mode, its running statistics and its gradient. Each per-channel sum (x, (x − mean)²,
     * dy, dy·xhat) is a work-item's Kahan sum (≤ 2u of the magnitudes; on CPUs one per float16 lane, then the
     * carry folded in, two chains added and 16 lanes in a 4-level tree plus the scalar tail: ≤ 2 + 1 + 1 + 4 + 1 =
     * 9u) then a tree over log2(BN_LOCAL) ≤ 8 levels (u each): ≤ 17u of Σ|terms| against the reference's double
     * sums. For inputs of mean ≈ 0, Σ|x| / m is about one standard deviation, so the mean, the variance and
     * 1/√(var + eps) (sqrt and divide: 3 + 2.5 ulp) are each within ~23u relatively, and y = (x − mean)·invStd·γ + β
     * or dx = γ·invStd·(dy − mean(dy) − xhat·mean(dy·xhat)) add a few u of rounding: about 55u ≈ 3.3e-6 in the
     * worst case per element, so 1e-5 in the norm.
     */
    public static final double BATCH_NORM = 1e-5;

    /**
     * Batch norm in evaluation mode: per element (x − rm)·(γ / √(rv + eps)) + β with float sqrt (3 ulp) and divide
     * (2.5 ulp) against double: under 10u ≈ 6e-7.
     */
    public static final double BATCH_NORM_EVAL = 1e-6;

    /** KL terms p·(log p − log q): float log within 3 ulp, and cancellation between the two logs up to ~10x. */
    public static final double KL = 1e-5;

    /**
     * Two whole training steps on a small MLP (GEMMs with K ≤ 17, softmax-xent, SGD with momentum): each step's ops
     * are within 1e-6 of the reference, and the second step passes the first's difference on undamped, so two steps
     * stay under 1e-5.
     */
    public static final double TRAIN_STEPS = 1e-5;

    /**
     * The same K training steps with each batch split across replicas or devices, against one device, as rel of the
     * parameter change Δ = w_K − w_0 (and of each step's loss). Splitting changes only the order and grouping of fp32
     * sums: a weight gradient sums B row terms; the sharded run sums each shard, then Σ_r w_r·g_r, and the mean's
     * 1/n_r·n_r/B adds two roundings. A float sum of B terms errs by at most about B·u·Σ|terms|, 64·6e-8 ≈ 4e-6 for
     * the largest batch of the tests, typically √B·u ≈ 5e-7. Over K ≤ 4 steps of lr ≤ 0.1 the differences feed into
     * later gradients, growing by a small factor per step. 1e-4 leaves 25× over one step's worst case, and stays
     * 100× below what a wrong split gives (a row lost or counted twice in a batch of 64 moves Δ by about 1/64; a
     * wrong shard weight by up to 1).
     */
    public static final double DATA_PARALLEL_SPLIT = 1e-4;

    /**
     * Gradient checks of the CPU reference against central differences in double, |g − ĝ| / max(|g|, |ĝ|, 1): the
     * differences with h = 1e-6 leave ~1e-9 truncation and rounding error, and the float gradients (GEMMs summed in
     * double and rounded once, col2im sums of k·k ≤ 9 terms) stay within a few u ≈ 2e-7 of max(|g|, 1), so 1e-6
     * holds both with room. The float forward against its double twin is one rounding per output (6e-8) plus the
     * inputs', within the same bound.
     */
    public static final double GRAD_CHECK = 1e-6;
}
