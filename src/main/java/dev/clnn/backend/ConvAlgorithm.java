package dev.clnn.backend;

import java.util.Locale;

/**
 * How a convolution layer computes its forward pass and parameter gradients. Which is faster depends on the device
 * and the layer's shape, so {@link ConvPolicy} chooses per shape and can be forced (for measuring, and for a tuner
 * trying both).
 */
public enum ConvAlgorithm {
    /**
     * Unfold the patches ({@link Backend#im2col}) and multiply by the weights as one GEMM; the general algorithm,
     * for every shape.
     */
    IM2COL_GEMM,
    /**
     * One pass over the image per output pixel ({@link Backend#convDirectForward}, {@link Backend#convDirectBackward}):
     * no column matrix, no layout copies, bias added in the same pass. Only for patches of at most
     * {@link #DIRECT_MAX_PATCH} taps (few input channels, such as a first layer over grey or RGB images), where
     * im2col's GEMM has a K too short to pay for its packing.
     */
    DIRECT;

    /**
     * The most taps (cin·kh·kw) {@link #DIRECT} takes: DIRECT_MAX_PATCH of conv.cl, the partial sums one work-item
     * keeps in private memory (32 covers cin ≤ 3 with 3×3 kernels).
     */
    public static final int DIRECT_MAX_PATCH = 32;

    /** Whether this algorithm can compute a convolution of shape {@code s}. */
    public boolean supports(Conv2dShape s) {
        return this == IM2COL_GEMM || s.patch() <= DIRECT_MAX_PATCH;
    }

    /** The spelling {@link ConvPolicy#PROPERTY} takes: {@code im2col_gemm} or {@code direct}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The algorithm a word names, ignoring case. */
    public static ConvAlgorithm parse(String word) {
        for (ConvAlgorithm a : values()) {
            if (a.word().equalsIgnoreCase(word.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown convolution algorithm '" + word + "': expected im2col_gemm, "
                + "direct or auto");
    }
}
