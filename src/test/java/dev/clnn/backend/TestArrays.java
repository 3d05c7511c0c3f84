package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.fail;


/**
 * The comparisons every backend test uses (their seeded inputs and poisoned outputs come from
 * {@link dev.clnn.check.SeededData}).
 */
public final class TestArrays {
    private TestArrays() {
    }

    /**
     * Fails unless {@code actual} is within {@code tolerance} relative error of {@code expected}; any non-finite value
     * where the reference is finite (or the reverse) fails outright. The message carries the case, the largest
     * absolute difference with its index and the first pairs.
     */
    public static void assertClose(String what, float[] actual, float[] expected, double tolerance) {
        if (actual.length != expected.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            boolean finiteA = Float.isFinite(actual[i]);
            boolean finiteE = Float.isFinite(expected[i]);
            if (finiteA != finiteE || (!finiteE && Float.compare(actual[i], expected[i]) != 0)) {
                fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i] + details(actual,
                        expected));
            }
        }
        double rel = Errors.relative(finiteOnly(actual, expected), finiteOnly(expected, expected));
        if (!(rel <= tolerance)) {
            fail(what + ": relative error " + rel + " > " + tolerance + details(actual, expected));
        }
    }

    /** Fails unless both arrays have the same length and hold identical floats: −0 differs from +0, NaN matches NaN. */
    public static void assertIdentical(String what, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.compare(actual[i], expected[i]) != 0) {
                fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i]
                        + details(actual, expected));
            }
        }
    }

    public static void assertIdentical(String what, int[] actual, int[] expected) {
        if (actual.length != expected.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] != expected[i]) {
                fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i]);
            }
        }
    }

    private static float[] finiteOnly(float[] values, float[] reference) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(reference[i])) {
                out[i] = 0f;
            }
        }
        return out;
    }

    private static String details(float[] actual, float[] expected) {
        int worst = 0;
        double worstDiff = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (d > worstDiff || Double.isNaN(d)) {
                worstDiff = d;
                worst = i;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        StringBuilder s = new StringBuilder("; max |diff| " + worstDiff + " at " + worst + "; first pairs:");
        for (int i = 0; i < Math.min(4, expected.length); i++) {
            s.append(" (").append(actual[i]).append(", ").append(expected[i]).append(')');
        }
        return s.toString();
    }
}
