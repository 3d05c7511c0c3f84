package dev.clnn.spark;

import dev.clnn.data.DataFileException;
import dev.clnn.data.Dataset;
import dev.clnn.train.LossKind;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a table with Spark's DataFrame readers and turns its rows into {@link Sample}s on the executors, with the
 * cell rules of {@code clnn train}'s CSV reading: feature and target cells are finite float numbers (NaN,
 * infinities and numbers beyond the float range are errors), no cell that is read may be empty, and probability rows
 * (--loss kl) are non-negative and sum to 1 within {@link Dataset#ROW_SUM_TOLERANCE}. Errors name the file, the row
 * (1-based, in the order Spark reads the table: for one CSV file without line breaks inside quotes, row r is line
 * r + 1) and the column.
 */
final class TableRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TableColumns columns;
    private final LossKind loss;

    TableRows(TableColumns columns, LossKind loss) {
        this.columns = columns;
        this.loss = loss;
    }

    /**
     * The table at {@code location}: a CSV with a header row (every cell read as text, RFC 4180 quotes, a malformed
     * row an error) or Parquet.
     */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, String location, boolean csv) {
        return csv ? spark.read().option("header", "true").option("inferSchema", "false").option("escape", "\"")
                .option("mode", "FAILFAST").csv(location) : spark.read().parquet(location);
    }

    /** A label cell as text: a CSV's trimmed of spaces and tabs, a Parquet integer's decimal digits; null if empty. */
    static String labelCell(Row row, int c) {
        Object v = row.get(c);
        if (v == null) {
            return null;
        }
        String s = v instanceof String text ? trim(text) : String.valueOf(v);
        return s.isEmpty() ? null : s;
    }

    /**
     * The sample of row {@code index} (0-based): its features, its class from {@code classOf} (null without a label
     * column), its float targets.
     */
    Sample sample(Row row, long index, Map<String, Integer> classOf) {
        float[] x = new float[columns.features.length];
        for (int f = 0; f < x.length; f++) {
            x[f] = number(row, columns.features[f], index);
        }
        if (columns.label >= 0) {
            String cell = labelCell(row, columns.label);
            if (cell == null) {
                throw error(index, columns.label, "empty cell");
            }
            return new Sample(x, classOf.get(cell));
        }
        float[] t = new float[columns.targets.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = number(row, columns.targets[k], index);
        }
        if (loss == LossKind.KL) {
            requireProbabilities(t, index);
        }
        return Sample.withTargets(x, t);
    }

    private float number(Row row, int c, long index) {
        Object v = row.get(c);
        if (v == null) {
            throw error(index, c, "empty cell");
        }
        if (v instanceof Number n) {
            float f = n.floatValue();
            if (!Float.isFinite(f)) {
                throw error(index, c, n + " is " + (Double.isFinite(n.doubleValue())
                        ? "outside the float range (about ±3.4e38)"
                        : "not a finite number (NaN and infinities are not allowed)"));
            }
            return f;
        }
        String cell = trim((String) v);
        if (cell.isEmpty()) {
            throw error(index, c, "empty cell");
        }
        float f;
        try {
            f = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw error(index, c, "\"" + cell + "\" is " + (isNonFiniteSpelling(cell)
                    ? "not a finite number (NaN and infinities are not allowed)" : "not a number"));
        }
        if (!Float.isFinite(f)) {
            throw error(index, c, "\"" + cell + "\" is " + (Float.isNaN(f) || isNonFiniteSpelling(cell)
                    ? "not a finite number (NaN and infinities are not allowed)"
                    : "outside the float range (about ±3.4e38)"));
        }
        return f;
    }

    private void requireProbabilities(float[] p, long index) {
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            if (!(p[k] >= 0)) {
                throw error(index, columns.targets[k], p[k] + " is not a probability (soft targets must be ≥ 0)");
            }
            sum += p[k];
        }
        if (Math.abs(sum - 1) > Dataset.ROW_SUM_TOLERANCE) {
            throw new DataFileException(columns.file, String.format(Locale.ROOT, "row %d: the probabilities %s sum"
                    + " to %.6g, not 1 within %.0e", index + 1, columns.targetNames, sum,
                    Dataset.ROW_SUM_TOLERANCE));
        }
    }

    private DataFileException error(long index, int c, String problem) {
        return new DataFileException(columns.file, "row " + (index + 1) + ", column \"" + columns.header.get(c)
                + "\": " + problem);
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isNonFiniteSpelling(String s) {
        String t = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        return t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity");
    }
}
