package dev.clnn.spark;

import dev.clnn.data.DataSource;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * A {@code --data} table that Spark's DataFrame readers read on the executors: where it is (any path or URI Spark
 * reads: a plain path, {@code file:}, {@code hdfs:}, {@code s3a:}), its format (CSV or Parquet), the columns the
 * options name, and how its test rows are found.
 *
 * @param data         the training table (or the table to split)
 * @param test         a second table to test on, or null for a split of {@code data}
 * @param format       {@code csv} or {@code parquet}, for both tables
 * @param label        the class-label column, or null
 * @param targets      the float-target columns; empty when a label is given
 * @param features     the feature columns in input order; empty for every other column
 * @param testFraction the share of {@code data}'s rows held out when there is no {@code test}
 * @param standardize  whether to standardize with the training rows' statistics
 */
record TableSource(String data, String test, String format, String label, List<String> targets,
        List<String> features, double testFraction, boolean standardize) implements Serializable {
    /** The formats read on the executors. */
    static final List<String> FORMATS = List.of("csv", "parquet");

    TableSource {
        targets = List.copyOf(targets);
        features = List.copyOf(features);
    }

    /**
     * The table of {@code source} when Spark reads it (CSV or Parquet, by {@code --format} or the name's extension),
     * else null: an IDX folder, NumPy and safetensors files and the bundled set are read on the driver.
     *
     * @param locations {@code --data} and {@code --test} as given (URIs kept whole)
     * @throws IllegalArgumentException when --test is not a table Spark reads in the same format
     */
    static TableSource of(DataSource source, String[] locations) {
        if (source.path() == null) {
            return null;
        }
        String format = formatOf(locations[0], source.format());
        if (!FORMATS.contains(format)) {
            return null;
        }
        String test = source.test() == null ? null : locations[1];
        if (test != null && !format.equals(formatOf(test, source.format()))) {
            throw new IllegalArgumentException(test + ": --test must be a " + format + " table like --data "
                    + locations[0]);
        }
        return new TableSource(locations[0], test, format, source.label(), source.targets(), source.features(),
                source.testFraction(), source.standardize());
    }

    /** {@code given}, else csv or parquet by the name's extension, else null. */
    static String formatOf(String location, String given) {
        if (given != null) {
            return given;
        }
        String name = location.toLowerCase(Locale.ROOT);
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.endsWith(".csv") ? "csv" : name.endsWith(".parquet") ? "parquet" : null;
    }

    boolean csv() {
        return format.equals("csv");
    }
}
