package dev.clnn.backend;

/** How far one result is from another: the measure every correctness check (tests, self-check, benchmarks) uses. */
public final class Errors {
    private Errors() {
    }

    /**
     * ‖actual − expected‖₂ / max(‖expected‖₂, 1e-30), summed in double. NaN anywhere gives NaN, which fails any
     * {@code error <= tolerance} check.
     */
    public static double relative(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("cannot compare " + actual.length + " values with " + expected.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
    }
}
