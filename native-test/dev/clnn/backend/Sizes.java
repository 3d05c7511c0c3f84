package dev.clnn.backend;

/** Awkward sizes for parity tests: 1, primes, non-multiples of any work-group or tile, and one large case. */
public final class Sizes {
    private Sizes() {
    }

    public static final int[] ELEMENTS = {1, 3, 17, 33, 129, 257, 1_000_003};
}
