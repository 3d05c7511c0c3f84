package dev.clnn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A table split into training and test rows, seeded and deterministic. Rows keep their original relative order on
 * each side.
 *
 * <p>Test sizes: the test side gets round(n · testFraction) rows, clamped to [1, n − 1]. For class labels the split
 * is stratified: class c with count n_c first gets floor(n_c · testFraction) test rows, and the rows still owed go
 * one each to the classes with the largest remainders (ties to the lower class). A class never gives up its last
 * row to the test side, so every class with a row keeps one in training; a class with a single row is all
 * training. Which rows of a class go to test is chosen by a {@link SplittableRandom} seeded with {@code seed},
 * classes in order. Float targets get a plain shuffled split.
 *
 * @param train the training rows
 * @param test  the test rows
 */
public record TabularSplit(TabularData train, TabularData test) {
    /**
     * Splits a table.
     *
     * @param data         at least 2 rows
     * @param testFraction the share of rows for the test side, 0 &lt; testFraction &lt; 1
     * @param seed         chooses the rows; the same seed and data give the same split
     * @throws IllegalArgumentException for a fraction outside (0, 1), fewer than 2 rows, or (class labels) when no
     *                                  class has a row to spare for the test side
     */
    public static TabularSplit split(TabularData data, double testFraction, long seed) {
        boolean[] isTest = data.target() instanceof TabularData.ClassLabels labels
                ? testRows(labels.labels(), labels.classNames().size(), data.rows(), testFraction, seed)
                : testRows(null, 0, data.rows(), testFraction, seed);
        return new TabularSplit(subset(data, isTest, false), subset(data, isTest, true));
    }

    /**
     * Which rows {@link #split} puts on the test side, from the labels alone: for a table whose rows are read
     * elsewhere (on Spark's executors), so that it splits as this class does without holding the features.
     *
     * @param labels  each row's class in [0, classes), or null for float targets (a plain shuffled split)
     * @param classes the class count (ignored without labels)
     * @param n       the rows; labels.length when there are labels
     * @return isTest[i] for row i
     * @throws IllegalArgumentException as {@link #split}
     */
    public static boolean[] testRows(int[] labels, int classes, int n, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("the test fraction must be in (0, 1), got " + testFraction);
        }
        if (n < 2) {
            throw new IllegalArgumentException("a split needs at least 2 rows, the table has " + n);
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " rows");
        }
        int testRows = (int) Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
        return labels != null ? stratified(labels, classes, testRows, testFraction, new SplittableRandom(seed))
                : shuffled(n, testRows, new SplittableRandom(seed));
    }

    private static boolean[] shuffled(int n, int testRows, SplittableRandom random) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        boolean[] isTest = new boolean[n];
        chooseInto(rows, n, testRows, random, isTest);
        return isTest;
    }

    private static boolean[] stratified(int[] all, int classes, int testRows, double testFraction,
            SplittableRandom random) {
        int[] counts = new int[classes];
        for (int label : all) {
            counts[label]++;
        }
        int[] take = new int[classes];
        double[] remainder = new double[classes];
        int taken = 0;
        for (int c = 0; c < classes; c++) {
            double exact = counts[c] * testFraction;
            take[c] = Math.min((int) Math.floor(exact), Math.max(0, counts[c] - 1));
            remainder[c] = exact - take[c];
            taken += take[c];
        }
        // Largest remainder first; ties to the lower class. Stops when every class is down to its last row.
        while (taken < testRows) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (take[c] < counts[c] - 1 && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            if (best < 0) {
                break;
            }
            take[best]++;
            remainder[best] -= 1;
            taken++;
        }
        if (taken == 0) {
            throw new IllegalArgumentException("no class has 2 rows, so a stratified split would leave the test "
                    + "side empty (class counts " + Arrays.toString(counts) + ")");
        }
        // taken never exceeds testRows: Σ floor(n_c·f) ≤ floor(n·f) ≤ testRows, then the loop adds up to it.
        int[][] rowsOf = new int[classes][];
        int[] filled = new int[classes];
        for (int c = 0; c < classes; c++) {
            rowsOf[c] = new int[counts[c]];
        }
        for (int i = 0; i < all.length; i++) {
            rowsOf[all[i]][filled[all[i]]++] = i;
        }
        boolean[] isTest = new boolean[all.length];
        for (int c = 0; c < classes; c++) {
            chooseInto(rowsOf[c], counts[c], take[c], random, isTest);
        }
        return isTest;
    }

    /** Marks {@code k} of the first {@code count} entries of {@code rows}, chosen uniformly (partial Fisher–Yates). */
    private static void chooseInto(int[] rows, int count, int k, SplittableRandom random, boolean[] isTest) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(count - i);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
            isTest[rows[i]] = true;
        }
    }

    /** The rows whose {@code isTest} equals {@code side}, in their original order; new arrays. */
    static TabularData subset(TabularData data, boolean[] isTest, boolean side) {
        int f = data.features();
        int count = 0;
        for (boolean t : isTest) {
            if (t == side) {
                count++;
            }
        }
        float[] x = new float[count * f];
        int[] kept = new int[count];
        int r = 0;
        for (int i = 0; i < isTest.length; i++) {
            if (isTest[i] == side) {
                System.arraycopy(data.x(), i * f, x, r * f, f);
                kept[r++] = i;
            }
        }
        TabularData.Target target;
        if (data.target() instanceof TabularData.ClassLabels labels) {
            int[] l = new int[count];
            for (int k = 0; k < count; k++) {
                l[k] = labels.labels()[kept[k]];
            }
            target = new TabularData.ClassLabels(l, labels.classNames());
        } else {
            TabularData.FloatTargets values = (TabularData.FloatTargets) data.target();
            int columns = values.names().size();
            float[] v = new float[count * columns];
            for (int k = 0; k < count; k++) {
                System.arraycopy(values.values(), kept[k] * columns, v, k * columns, columns);
            }
            target = new TabularData.FloatTargets(v, values.names());
        }
        return new TabularData(x, count, data.featureNames(), target);
    }
}
