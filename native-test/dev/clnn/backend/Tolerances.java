package dev.clnn.backend;

/** fp32 parity tolerances, each justified by the arithmetic the kernel and the reference do differently. */
public final class Tolerances {
    private Tolerances() {
    }

    /**
     * GEMM, K ≤ ~1000: the kernel accumulates in float with fma, the reference in double rounded once. A float dot
     * product of K terms errs by ≤ K·2^-24 relative in the worst case and ~√K·2^-24 ≈ 2e-6 typically at K = 1000.
     */
    public static final double GEMM = 1e-5;
    /**
     * Sums over many terms (bias gradient, loss means): float tree/Kahan sums against double; error grows like
     * log2(count)·2^-24 ≈ 1.2e-6 for a million terms, and the terms' own rounding adds ~1e-7.
     */
    public static final double REDUCTION = 1e-5;
    /**
     * Softmax probabilities and per-row log-sum-exp: float exp/log (≤ 3 ulp in OpenCL's full-profile precision)
     * against double, plus a float sum over the classes: a few 1e-7 per element.
     */
    public static final double SOFTMAX = 1e-5;
    /**
     * Average pooling: same float sum order in both, but the divisor and the summation are rounded in float: the
     * style guide's 1e-6 (most cases are bit-identical).
     */
    public static final double AVG_POOL = 1e-6;
    /**
     * reduceSum, as a bound on |device − reference| / (|scale|·Σ|x|): a worst case for any input, not a typical
     * error. In each of the two passes a work-item's compensated (Kahan) sum errs by at most 2u of its terms'
     * magnitudes and the tree by u per level over log2(REDUCE_LOCAL) ≤ 8 levels; the scaling and the reference's
     * rounding to float add u each: (2·(2 + 8) + 1 + 1)·u = 22u, with u = 2^-24 (about 1.3e-6). Kahan's
     * second-order term, count·u² of the magnitudes, is below 1e-8 at a million terms.
     */
    public static final double REDUCE_SUM_BOUND = 22 * 0x1p-24;
    /** KL terms p·(log p − log q): float log within 3 ulp, and cancellation between the two logs up to ~10x. */
    public static final double KL = 1e-5;
}
