package dev.clnn.backend;

/**
 * Which {@link ConvAlgorithm} a backend uses for each convolution shape: a forced algorithm where one is set and can
 * compute the shape, else the rule: {@link ConvAlgorithm#DIRECT} for patches it supports on CPUs, where its loop over
 * a handful of taps beats packing a GEMM operand with K ≤ 32; im2col + GEMM everywhere else. On GPUs the direct
 * kernel's parameter gradient runs on only cout × slices × ow work-items and has not been measured, so the default
 * there stays im2col + GEMM until a tuner measures both.
 *
 * @param forced the algorithm forced by {@link #PROPERTY} or {@link #ENV}, or null for the rule
 * @param gpu    whether the device is a GPU
 */
public record ConvPolicy(ConvAlgorithm forced, boolean gpu) {
    /**
     * The system property that forces the algorithm ({@code im2col_gemm}, {@code direct}, or {@code auto} for the
     * rule), e.g. {@code -Dclnn.conv=im2col_gemm}; the environment variable {@link #ENV} does the same when the
     * property is unset. A forced {@code direct} still falls back to im2col + GEMM for patches it cannot take.
     */
    public static final String PROPERTY = "clnn.conv";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENV = "CLNN_CONV";

    /**
     * The policy for a device of this kind, forced by {@link #PROPERTY} or {@link #ENV} where one is set.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvPolicy forDevice(boolean gpu) {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
            return new ConvPolicy(null, gpu);
        }
        try {
            return new ConvPolicy(ConvAlgorithm.parse(value), gpu);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "/" + ENV + ": " + e.getMessage(), e);
        }
    }

    /** This policy with {@code algorithm} forced (tests, and a tuner trying both). */
    public ConvPolicy forcing(ConvAlgorithm algorithm) {
        return new ConvPolicy(algorithm, gpu);
    }

    /** The algorithm for a convolution of shape {@code s}. */
    public ConvAlgorithm choose(Conv2dShape s) {
        if (forced != null && forced.supports(s)) {
            return forced;
        }
        return !gpu && ConvAlgorithm.DIRECT.supports(s) ? ConvAlgorithm.DIRECT : ConvAlgorithm.IM2COL_GEMM;
    }

    /** The policy in words, for {@code clnn devices}: e.g. {@code direct for cin·kh·kw ≤ 32, else im2col_gemm}. */
    public String describe() {
        if (forced != null) {
            return forced.word() + " (forced by " + PROPERTY + ")";
        }
        return gpu ? "im2col_gemm (default)" : "direct for cin·kh·kw ≤ " + ConvAlgorithm.DIRECT_MAX_PATCH
                + ", else im2col_gemm (default)";
    }
}
