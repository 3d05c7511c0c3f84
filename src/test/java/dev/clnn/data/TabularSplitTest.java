package dev.clnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TabularSplitTest {
    /** Rows whose one feature is the row index, so each side shows which rows it got and in what order. */
    static TabularData labelled(int... labels) {
        int classes = 0;
        float[] x = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            x[i] = i;
            classes = Math.max(classes, labels[i] + 1);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return new TabularData(x, labels.length, List.of("index"),
                new TabularData.ClassLabels(labels, names));
    }

    static TabularData regression(int rows) {
        float[] x = new float[rows * 2];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = 10 * i;
        }
        return new TabularData(x, rows, List.of("a", "b"), new TabularData.FloatTargets(y, List.of("y")));
    }

    private static int[] classCounts(TabularData t, int classes) {
        int[] counts = new int[classes];
        for (int label : ((TabularData.ClassLabels) t.target()).labels()) {
            counts[label]++;
        }
        return counts;
    }

    /** Each side's rows are increasing (original order kept), disjoint, and together every row once. */
    private static void assertPartition(TabularData all, TabularSplit s) {
        int f = all.features();
        boolean[] seen = new boolean[all.rows()];
        for (TabularData side : List.of(s.train(), s.test())) {
            int previous = -1;
            for (int r = 0; r < side.rows(); r++) {
                int index = (int) side.x()[r * f];
                assertTrue(index > previous, "rows out of order: " + index + " after " + previous);
                assertFalse(seen[index], "row " + index + " on both sides");
                seen[index] = true;
                previous = index;
                if (side.target() instanceof TabularData.ClassLabels l) {
                    assertEquals(((TabularData.ClassLabels) all.target()).labels()[index], l.labels()[r]);
                } else {
                    assertEquals(10f * index, ((TabularData.FloatTargets) side.target()).values()[r]);
                    assertEquals(-index, side.x()[r * f + 1]);
                }
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "row " + i + " on neither side");
        }
    }

    @Test
    void stratifiedSplitTakesTheFractionOfEachClass() {
        // 10 of class 0, 20 of class 1, 5 of class 2; 20% test = 2, 4, 1 (7 of 35).
        int[] labels = new int[35];
        for (int i = 0; i < 35; i++) {
            labels[i] = i % 7 < 2 ? 0 : i % 7 < 6 ? 1 : 2;
        }
        TabularData data = labelled(labels);
        TabularSplit s = TabularSplit.split(data, 0.2, 42);
        assertArrayEquals(new int[] {2, 4, 1}, classCounts(s.test(), 3));
        assertArrayEquals(new int[] {8, 16, 4}, classCounts(s.train(), 3));
        assertEquals(List.of("c0", "c1", "c2"), ((TabularData.ClassLabels) s.test().target()).classNames());
        assertPartition(data, s);
    }

    @Test
    void remaindersGoToTheLargestFractionsAndEveryClassKeepsATrainingRow() {
        // Counts 3, 2, 1 at 0.5: round(6 · 0.5) = 3 test rows; floors give 1, 1, 0 with remainders 0.5, 0, 0.5.
        // Class 2's only row may not leave training, so the third test row is class 0's: 2, 1, 0.
        TabularData data = labelled(0, 0, 0, 1, 1, 2);
        TabularSplit s = TabularSplit.split(data, 0.5, 1);
        assertArrayEquals(new int[] {2, 1, 0}, classCounts(s.test(), 3));
        assertArrayEquals(new int[] {1, 1, 1}, classCounts(s.train(), 3));
        assertPartition(data, s);
    }

    @Test
    void aLargeFractionStillLeavesOneTrainingRowPerClass() {
        TabularData data = labelled(0, 0, 1, 1, 1);
        TabularSplit s = TabularSplit.split(data, 0.99, 3);
        assertArrayEquals(new int[] {1, 2}, classCounts(s.test(), 2));
        assertArrayEquals(new int[] {1, 1}, classCounts(s.train(), 2));
    }

    @Test
    void aSmallFractionStillPutsOneRowInTest() {
        TabularData data = labelled(0, 0, 0, 1, 1, 1);
        TabularSplit s = TabularSplit.split(data, 0.01, 3);
        assertEquals(1, s.test().rows());
        assertEquals(5, s.train().rows());
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        int[] labels = new int[100];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        TabularData data = labelled(labels);
        TabularSplit a = TabularSplit.split(data, 0.3, 7);
        TabularSplit b = TabularSplit.split(data, 0.3, 7);
        TabularSplit c = TabularSplit.split(data, 0.3, 8);
        assertArrayEquals(a.test().x(), b.test().x());
        assertArrayEquals(a.train().x(), b.train().x());
        assertFalse(java.util.Arrays.equals(a.test().x(), c.test().x()), "seeds 7 and 8 chose the same rows");
        assertArrayEquals(classCounts(a.test(), 3), classCounts(c.test(), 3));
    }

    @Test
    void floatTargetsGetAShuffledSplitOfTheRoundedSize() {
        TabularData data = regression(10);
        TabularSplit s = TabularSplit.split(data, 0.25, 5);
        assertEquals(3, s.test().rows()); // round(2.5) = 3
        assertEquals(7, s.train().rows());
        assertPartition(data, s);
        assertArrayEquals(s.test().x(), TabularSplit.split(data, 0.25, 5).test().x());
        // Not simply the last rows: over a few seeds the test side is not always {7, 8, 9}.
        boolean varied = false;
        for (long seed = 0; seed < 5; seed++) {
            float[] test = TabularSplit.split(data, 0.25, seed).test().x();
            varied |= test[0] != 7;
        }
        assertTrue(varied, "the split never shuffled");
    }

    @Test
    void errorsAreClear() {
        TabularData data = labelled(0, 1, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TabularSplit.split(data, 0, 1)).getMessage()
                .contains("(0, 1)"));
        assertThrows(IllegalArgumentException.class, () -> TabularSplit.split(data, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TabularSplit.split(data, Double.NaN, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TabularSplit.split(labelled(0), 0.5, 1))
                .getMessage().contains("at least 2 rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TabularSplit.split(labelled(0, 1, 2), 0.5, 1))
                .getMessage().contains("no class has 2 rows"));
    }
}
