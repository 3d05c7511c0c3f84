package dev.clnn.backend.opencl.tuning;

import java.util.Locale;

/**
 * The classes of GEMM shape that may each get a {@link GemmConfig} of their own, since the fastest register block
 * differs with the size (on AVX2 code 6 × two float8 won at 256², 3 × three at 1024²). Few classes on purpose: each
 * distinct configuration is one more build of gemm_blocked.cl at start-up. A product (m, k)·(k, n) belongs to:
 * <ul>
 *   <li>{@link #LONG_K} when K is at least {@value #LONG_K_RATIO} times its longer output edge: few blocks of C over
 *       a long sum, the products split-K serves (a convolution's weight gradient, 32 × 144 over 64·196 pixels);</li>
 *   <li>else {@link #SMALL} when m·n·k is at most 2^{@value #SMALL_LOG2_VOLUME} (256³ is 2^24; a batch-64 MLP's
 *       layers and a small convolution's columns), where packing and launches weigh as much as the inner loop;</li>
 *   <li>else {@link #LARGE} (1024², a batch-256 MLP's 256 × 784 · 784 × 1024).</li>
 * </ul>
 */
public enum GemmClass {
    SMALL,
    LARGE,
    LONG_K;

    /** K this many times the longer edge of C or more makes a product {@link #LONG_K}. */
    static final int LONG_K_RATIO = 8;
    /** Products of at most 2^25 multiply-adds are {@link #SMALL}. */
    static final int SMALL_LOG2_VOLUME = 25;

    /** The class of an (m, k)·(k, n) product. */
    public static GemmClass of(int m, int n, int k) {
        if ((long) k >= (long) LONG_K_RATIO * Math.max(m, n)) {
            return LONG_K;
        }
        return (long) m * n * k <= 1L << SMALL_LOG2_VOLUME ? SMALL : LARGE;
    }

    /** The name used in the tuning store and in reports: {@code small}, {@code large}, {@code long-k}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The class named {@code word}, as {@link #word} writes it; null when none is. */
    public static GemmClass fromWord(String word) {
        for (GemmClass c : values()) {
            if (c.word().equals(word)) {
                return c;
            }
        }
        return null;
    }
}
