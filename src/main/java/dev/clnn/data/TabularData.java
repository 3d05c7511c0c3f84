package dev.clnn.data;

import java.util.List;
import java.util.Objects;

/**
 * Rows of float features with their targets, as a tabular file (CSV, NumPy, safetensors) holds them: the common
 * form the readers produce, before a model's loss decides how the targets are used (class labels for
 * cross-entropy, float targets for MSE, probability rows for KL). The arrays are shared, not copied; treat them as
 * read-only.
 *
 * @param x            rows × features values, row-major
 * @param rows         number of rows, ≥ 0
 * @param featureNames one name per feature (a CSV header's, or {@code x[j]} for arrays)
 * @param target       the targets of every row
 */
public record TabularData(float[] x, int rows, List<String> featureNames, Target target) {
    /** Checks that every length agrees with {@code rows} and the feature count. */
    public TabularData {
        Objects.requireNonNull(x, "x");
        featureNames = List.copyOf(featureNames);
        Objects.requireNonNull(target, "target");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (x.length != (long) rows * featureNames.size()) {
            throw new IllegalArgumentException("x has " + x.length + " values, expected rows * features = " + rows
                    + " * " + featureNames.size());
        }
        if (target.rows() != rows) {
            throw new IllegalArgumentException("the targets have " + target.rows() + " rows, the features " + rows);
        }
    }

    /** Features per row. */
    public int features() {
        return featureNames.size();
    }

    /** The targets of a table: class labels, or float values per row. */
    public sealed interface Target permits ClassLabels, FloatTargets {
        /** Rows the targets cover. */
        int rows();
    }

    /**
     * One class per row, in [0, {@code classNames.size()}).
     *
     * @param labels     the class of each row
     * @param classNames what each class was called in the file: the integers themselves ({@code "0"}, {@code "1"},
     *                   …) for integer labels, else the distinct strings in sorted order
     */
    public record ClassLabels(int[] labels, List<String> classNames) implements Target {
        /** Checks every label against the class count. */
        public ClassLabels {
            Objects.requireNonNull(labels, "labels");
            classNames = List.copyOf(classNames);
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classNames.size()) {
                    throw new IllegalArgumentException("label " + i + " = " + labels[i] + " is outside [0, "
                            + classNames.size() + ")");
                }
            }
        }

        @Override
        public int rows() {
            return labels.length;
        }
    }

    /**
     * Float targets, rows × {@code names.size()} row-major: regression targets, or probability rows (soft targets).
     *
     * @param values the targets, row-major
     * @param names  one name per target column
     */
    public record FloatTargets(float[] values, List<String> names) implements Target {
        /** Checks that the values are whole rows. */
        public FloatTargets {
            Objects.requireNonNull(values, "values");
            names = List.copyOf(names);
            if (names.isEmpty() || values.length % names.size() != 0) {
                throw new IllegalArgumentException(values.length + " target values are not whole rows of "
                        + names.size() + " columns");
            }
        }

        @Override
        public int rows() {
            return values.length / names.size();
        }
    }
}
