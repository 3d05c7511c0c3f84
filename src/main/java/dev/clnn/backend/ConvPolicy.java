package dev.clnn.backend;

/**
 * Which {@link ConvAlgorithm} a backend uses for each convolution shape. In order of precedence: a forced algorithm
 * where one is set and can compute the shape; for patches the direct kernel supports, the algorithm {@code clnn tune}
 * measured faster on this device (read from the tuning store by the OpenCL backend's tuning); else the rule:
 * {@link ConvAlgorithm#DIRECT} for patches it supports on CPUs, where its loop over a handful of taps beats packing a
 * GEMM operand with K ≤ 32, im2col + GEMM everywhere else. On GPUs the direct kernel's parameter gradient runs on only
 * cout × slices × ow work-items, so the rule there stays im2col + GEMM; the tuner can measure otherwise.
 *
 * @param forced the algorithm forced by {@link #PROPERTY} or {@link #ENV}, or null
 * @param tuned  the algorithm tuned for small patches (those {@link ConvAlgorithm#DIRECT} supports), or null
 * @param gpu    whether the device is a GPU
 */
public record ConvPolicy(ConvAlgorithm forced, ConvAlgorithm tuned, boolean gpu) {
    /**
     * The system property that forces the algorithm ({@code im2col_gemm}, {@code direct}, or {@code auto} for the
     * tuned choice or the rule), e.g. {@code -Dclnn.conv=im2col_gemm}; the environment variable {@link #ENV} does the
     * same when the property is unset. A forced {@code direct} still falls back to im2col + GEMM for patches it
     * cannot take.
     */
    public static final String PROPERTY = "clnn.conv";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENV = "CLNN_CONV";
    /** A policy without a tuned choice: forced or the rule. */
    public ConvPolicy(ConvAlgorithm forced, boolean gpu) {
        this(forced, null, gpu);
    }

    /**
     * The policy for a device of this kind without a tuned choice (the CPU reference), forced by {@link #PROPERTY}
     * or {@link #ENV} where one is set.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvPolicy forDevice(boolean gpu) {
        return new ConvPolicy(forcedSetting(), gpu);
    }

    /**
     * The algorithm forced by {@link #PROPERTY} or {@link #ENV}, or null where neither is set or it says
     * {@code auto}.
     *
     * @throws IllegalArgumentException if the forced value names no algorithm
     */
    public static ConvAlgorithm forcedSetting() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return ConvAlgorithm.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + "/" + ENV + ": " + e.getMessage(), e);
        }
    }

    /** This policy with {@code algorithm} forced (tests, and a tuner trying both). */
    public ConvPolicy forcing(ConvAlgorithm algorithm) {
        return new ConvPolicy(algorithm, tuned, gpu);
    }

    /** The algorithm for a convolution of shape {@code s}. */
    public ConvAlgorithm choose(Conv2dShape s) {
        if (forced != null && forced.supports(s)) {
            return forced;
        }
        if (!ConvAlgorithm.DIRECT.supports(s)) {
            return ConvAlgorithm.IM2COL_GEMM;
        }
        return tuned != null ? tuned : ruleForSmallPatches();
    }

    /** What the rule picks for patches the direct kernel supports: what an untuned device runs. */
    public ConvAlgorithm ruleForSmallPatches() {
        return gpu ? ConvAlgorithm.IM2COL_GEMM : ConvAlgorithm.DIRECT;
    }

    /**
     * The policy in words, for {@code clnn devices}: e.g. {@code direct for cin·kh·kw ≤ 32, else im2col_gemm (tuned)}.
     */
    public String describe() {
        if (forced != null) {
            return forced.word() + " (forced by " + PROPERTY + ")";
        }
        ConvAlgorithm small = tuned != null ? tuned : ruleForSmallPatches();
        String source = tuned != null ? " (tuned)" : " (default)";
        if (small == ConvAlgorithm.IM2COL_GEMM) {
            return "im2col_gemm" + source;
        }
        return "direct for cin·kh·kw ≤ " + ConvAlgorithm.DIRECT_MAX_PATCH + ", else im2col_gemm" + source;
    }
}
