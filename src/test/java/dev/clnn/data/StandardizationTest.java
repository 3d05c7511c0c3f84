package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardizationTest {
    /** Tolerance for values computed in double and rounded once to float. */
    private static final float ONE_ROUNDING = 1e-6f;

    private static TabularData table(int features, float... x) {
        int rows = x.length / features;
        List<String> names = features == 3 ? List.of("a", "b", "c") : List.of("a");
        return new TabularData(x, rows, names, new TabularData.FloatTargets(new float[rows], List.of("y")));
    }

    // Feature a: 2 4 4 4 5 5 7 9, mean 5, population std 2 (the sample std would be 2.138).
    // Feature b: constant 3, so std 0 and the divisor stays 1.
    // Feature c: seven 0s and an 8, mean 1, squared deviations 7·1 + 49 = 56, std sqrt(56 / 8) = sqrt(7).
    private static final TabularData TRAIN = table(3,
            2, 3, 0,
            4, 3, 0,
            4, 3, 0,
            4, 3, 0,
            5, 3, 0,
            5, 3, 0,
            7, 3, 0,
            9, 3, 8);

    @Test
    void fitMatchesHandComputedMeanAndPopulationStd() {
        Standardization s = Standardization.fit(TRAIN);
        assertArrayEquals(new float[] {5, 3, 1}, s.mean());
        assertArrayEquals(new float[] {2, 1, (float) Math.sqrt(7)}, s.std());
    }

    @Test
    void applyStandardizesWithTheTrainingStatistics() {
        Standardization s = Standardization.fit(TRAIN);
        TabularData out = s.apply(TRAIN);
        assertNotSame(TRAIN.x(), out.x());
        assertSame(TRAIN.target(), out.target());
        float c0 = (float) (-1 / Math.sqrt(7));
        float c7 = (float) (7 / Math.sqrt(7));
        assertArrayEquals(new float[] {
                -1.5f, 0, c0, -0.5f, 0, c0, -0.5f, 0, c0, -0.5f, 0, c0, 0, 0, c0, 0, 0, c0, 1, 0, c0, 2, 0, c7},
                out.x(), ONE_ROUNDING);
        // A test row uses the training statistics, not its own.
        TabularData test = s.apply(table(3, 7, 4, 1));
        assertArrayEquals(new float[] {1, 1, 0}, test.x());
        assertEquals(2, TRAIN.x()[0], "the input was modified");
    }

    @Test
    void largeOffsetsDoNotCancel() {
        // 1e6 + {0, 1, 2}: mean 1e6 + 1, std sqrt(2/3); E[x²] − E[x]² in float would lose it entirely.
        Standardization s = Standardization.fit(table(1, 1_000_000, 1_000_001, 1_000_002));
        assertEquals(1_000_001f, s.mean()[0]);
        assertEquals((float) Math.sqrt(2.0 / 3), s.std()[0], ONE_ROUNDING);
    }

    @Test
    void tensorsRoundTripToTheSameBits() {
        Standardization s = Standardization.fit(TRAIN);
        Map<String, float[]> tensors = s.toTensors();
        assertEquals(List.of("standardize.mean", "standardize.std"), List.copyOf(tensors.keySet()));
        Standardization back = Standardization.fromTensors(tensors);
        assertEquals(s, back);
        assertArrayEquals(s.apply(TRAIN).x(), back.apply(TRAIN).x());
    }

    @Test
    void errorsAreClear() {
        Standardization s = Standardization.fit(TRAIN);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.apply(table(1, 1))).getMessage()
                .contains("3 features, the table 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Standardization.fit(table(3)))
                .getMessage().contains("no rows"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Standardization.fromTensors(Map.of("standardize.mean", new float[1]))).getMessage()
                .contains("standardize.std"));
        assertThrows(IllegalArgumentException.class, () -> new Standardization(new float[1], new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Standardization(new float[2], new float[] {1}));
    }
}
