package dev.clnn.check;

import java.util.Locale;

/**
 * One comparison of a result with the CPU reference's: {@code rel = ‖actual − reference‖₂ / max(‖reference‖₂,
 * 1e-30)} summed in double, and any non-finite value where the reference is finite fails outright (outputs are
 * NaN-poisoned before the call, so an element the op never wrote shows up here). Made by {@link #of}; {@link
 * GemmCheck}, {@link ParityCheck}, the tuner, the self-check and the benchmarks all judge results with it.
 *
 * @param name       what was compared, e.g. {@code gemm NT 17x33x129}
 * @param relError   the relative error (NaN when a non-finite value or a length mismatch failed the comparison)
 * @param maxAbsDiff the largest |actual − reference| over the elements (NaN when the comparison failed outright)
 * @param index      the element of {@code maxAbsDiff}, or of the non-finite value; -1 when there is none
 * @param tolerance  the largest relative error that passes
 * @param detail     on failure: the worst element and its values; empty when passed
 */
public record ParityComparison(String name, double relError, double maxAbsDiff, int index, double tolerance,
        String detail) {

    /** Compares {@code actual} with {@code reference} element by element. */
    public static ParityComparison of(String name, float[] actual, float[] reference, double tolerance) {
        if (actual.length != reference.length) {
            return new ParityComparison(name, Double.NaN, Double.NaN, -1, tolerance,
                    "device gave " + actual.length + " values, reference " + reference.length);
        }
        double diff = 0;
        double norm = 0;
        int worst = -1;
        double worstAbs = -1;
        for (int i = 0; i < actual.length; i++) {
            if (Float.isFinite(reference[i]) && !Float.isFinite(actual[i])) {
                return new ParityComparison(name, Double.NaN, Double.NaN, i, tolerance, String.format(Locale.ROOT,
                        "element %d is %s on the device, %s in the reference", i, actual[i], reference[i]));
            }
            double d = (double) actual[i] - reference[i];
            diff += d * d;
            norm += (double) reference[i] * reference[i];
            if (Math.abs(d) > worstAbs) {
                worstAbs = Math.abs(d);
                worst = i;
            }
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
        String detail = rel <= tolerance || worst < 0 ? "" : String.format(Locale.ROOT,
                "max |diff| %.3e at element %d (device %s, reference %s)", worstAbs, worst, actual[worst],
                reference[worst]);
        return new ParityComparison(name, rel, Math.max(worstAbs, 0), worst, tolerance, detail);
    }

    /** Compares indices exactly (argmax, labels). */
    public static ParityComparison of(String name, int[] actual, int[] reference) {
        float[] a = new float[actual.length];
        float[] b = new float[reference.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = reference[i];
        }
        return of(name, a, b, Tolerances.EXACT);
    }

    /** Whether the relative error is within the tolerance; false for NaN. */
    public boolean passed() {
        return relError <= tolerance;
    }

    /**
     * Returns this comparison if it passed, else throws, so a wrong result stops what depends on it (a benchmark is
     * not timed on a wrong kernel).
     *
     * @throws IllegalStateException with {@link #line()} when the comparison failed
     */
    public ParityComparison requirePassed() {
        if (!passed()) {
            throw new IllegalStateException(line());
        }
        return this;
    }

    /** One line: {@code PASS name  rel 1.2e-07 (tolerance 1e-05)}, with the detail on failure. */
    public String line() {
        return String.format(Locale.ROOT, "%s %-44s rel %.2e (tolerance %.0e)%s", passed() ? "PASS" : "FAIL", name,
                relError, tolerance, detail.isEmpty() ? "" : "  " + detail);
    }
}
