package dev.clnn.optim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the schedule tests. */
final class LrAssertions {

    private LrAssertions() {
    }

    /** Fails unless |actual − expected| ≤ relTol·|expected| (exact equality when expected is 0). */
    static void assertRelClose(double expected, double actual, double relTol, String what) {
        if (!(Math.abs(actual - expected) <= relTol * Math.abs(expected))) {
            fail(what + ": expected " + expected + ", got " + actual + " (relative error "
                    + Math.abs(actual - expected) / Math.abs(expected) + " > " + relTol + ")");
        }
    }

    /** Checks lr(t) for each t against expected[t]. */
    static void assertSchedule(LrSchedule s, double[] expected, double relTol) {
        for (int t = 0; t < expected.length; t++) {
            assertRelClose(expected[t], s.lr(t), relTol, s + " at step " + t);
        }
    }

    /** Expects an IllegalArgumentException with a one-line message containing every fragment. */
    static IllegalArgumentException assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "message is not one line: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "message lacks \"" + fragment + "\": " + message);
        }
        return e;
    }
}
