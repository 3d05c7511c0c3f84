package dev.clnn.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParityComparisonTest {
    @Test
    void identicalValuesPassWithZeroError() {
        ParityComparison r = ParityComparison.of("same", new float[] {1, -2, 3}, new float[] {1, -2, 3}, 0);
        assertTrue(r.passed());
        assertEquals(0, r.relError());
        assertTrue(r.line().startsWith("PASS same"));
    }

    @Test
    void aValueTheKernelNeverWroteFailsOutright() {
        ParityComparison r = ParityComparison.of("poisoned", new float[] {1, Float.NaN}, new float[] {1, 2}, 1);
        assertFalse(r.passed());
        assertTrue(r.detail().contains("element 1 is NaN on the device"), r.detail());
    }

    @Test
    void anErrorAboveTheToleranceFailsAndNamesTheWorstElement() {
        // ‖(0, 0.1)‖ / ‖(3, 4)‖ = 0.1 / 5 = 0.02.
        ParityComparison r = ParityComparison.of("off", new float[] {3, 4.1f}, new float[] {3, 4}, 1e-2);
        assertFalse(r.passed());
        assertEquals(0.02, r.relError(), 1e-6);
        assertTrue(r.line().startsWith("FAIL off"));
        assertTrue(r.detail().contains("at element 1"), r.detail());
    }

    @Test
    void differentLengthsFail() {
        assertFalse(ParityComparison.of("short", new float[] {1}, new float[] {1, 2}, 1).passed());
    }

    @Test
    void integerComparisonsAreExact() {
        assertTrue(ParityComparison.of("argmax", new int[] {0, 5}, new int[] {0, 5}).passed());
        assertFalse(ParityComparison.of("argmax", new int[] {0, -1}, new int[] {0, 5}).passed());
    }
}
