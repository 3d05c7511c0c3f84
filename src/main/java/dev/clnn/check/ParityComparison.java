package dev.clnn.check;

import java.util.Locale;

/**
 * One device-versus-reference comparison of a parity check: {@code rel = ‖device − reference‖₂ / max(‖reference‖₂,
 * 1e-30)} summed in double, and any non-finite device value where the reference is finite fails outright (the
 * outputs are NaN-poisoned before the call, so an element the kernel never wrote shows up here).
 *
 * @param name      what was compared, e.g. {@code gemm NT 17x33x129 C}
 * @param relError  the relative error (NaN when a non-finite value failed the comparison)
 * @param tolerance the largest relative error that passes
 * @param detail    on failure: the worst element and its values; empty when passed
 */
record ParityComparison(String name, double relError, double tolerance, String detail) {

    static ParityComparison of(String name, float[] device, float[] reference, double tolerance) {
        if (device.length != reference.length) {
            return new ParityComparison(name, Double.NaN, tolerance,
                    "device gave " + device.length + " values, reference " + reference.length);
        }
        double diff = 0;
        double norm = 0;
        int worst = -1;
        double worstAbs = -1;
        for (int i = 0; i < device.length; i++) {
            if (Float.isFinite(reference[i]) && !Float.isFinite(device[i])) {
                return new ParityComparison(name, Double.NaN, tolerance, String.format(Locale.ROOT,
                        "element %d is %s on the device, %s in the reference", i, device[i], reference[i]));
            }
            double d = (double) device[i] - reference[i];
            diff += d * d;
            norm += (double) reference[i] * reference[i];
            if (Math.abs(d) > worstAbs) {
                worstAbs = Math.abs(d);
                worst = i;
            }
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
        String detail = rel <= tolerance || worst < 0 ? "" : String.format(Locale.ROOT,
                "max |diff| %.3e at element %d (device %s, reference %s)", worstAbs, worst, device[worst],
                reference[worst]);
        return new ParityComparison(name, rel, tolerance, detail);
    }

    static ParityComparison of(String name, int[] device, int[] reference) {
        float[] a = new float[device.length];
        float[] b = new float[reference.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = device[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = reference[i];
        }
        return of(name, a, b, 0);
    }

    boolean passed() {
        return relError <= tolerance; // false for NaN
    }

    /** One line: {@code PASS name  rel 1.2e-07 (tolerance 1e-05)}, with the detail on failure. */
    String line() {
        return String.format(Locale.ROOT, "%s %-44s rel %.2e (tolerance %.0e)%s", passed() ? "PASS" : "FAIL", name,
                relError, tolerance, detail.isEmpty() ? "" : "  " + detail);
    }
}
