package dev.clnn.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Where a run's data comes from and how to read it, as the {@code --data} options say: a folder of MNIST IDX files,
 * or a table (CSV, NumPy {@code .npy} pair or {@code .npz}, safetensors) with its label or target columns, a test set
 * (a second file, or a seeded split of the first) and, optionally, standardized features.
 *
 * @param path         the data: a folder of IDX files or of {@code x.npy}/{@code y.npy}, or a file; null for the
 *                     bundled MNIST set
 * @param format       {@code idx}, {@code csv}, {@code npy}, {@code npz}, {@code safetensors} or {@code parquet}
 *                     (read by {@code clnn-spark train} only); null to go by the path (a {@code .parquet} file or
 *                     folder is parquet, another folder with {@code x.npy} npy, another folder idx, a file its
 *                     extension)
 * @param label        a CSV's class-label column, or null
 * @param targets      a CSV's float-target columns (regression values, or probability rows for soft targets); empty
 *                     when a label is given
 * @param features     a CSV's feature columns in input order; empty for every other numeric column
 * @param test         a second table of the same form to test on, or null
 * @param testFraction when {@code test} is null, the share of a table's rows held out (stratified by class for
 *                     labels), in (0, 1)
 * @param standardize  whether to standardize each feature with the training rows' mean and standard deviation
 */
public record DataSource(Path path, String format, String label, List<String> targets, List<String> features,
        Path test, double testFraction, boolean standardize) {
    /** The test share when none is given: a fifth of the rows, as scikit-learn's common 80/20 split. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    private static final List<String> FORMATS = List.of("idx", "csv", "npy", "npz", "safetensors", "parquet");

    /** Checks the options against each other; the files are checked when read. */
    public DataSource {
        targets = List.copyOf(targets);
        features = List.copyOf(features);
        if (format != null && !FORMATS.contains(format)) {
            throw new IllegalArgumentException("--format must be one of " + String.join(", ", FORMATS) + ", got \""
                    + format + "\"");
        }
        if (label != null && !targets.isEmpty()) {
            throw new IllegalArgumentException("--label " + label + " and --target " + String.join(",", targets)
                    + ": give a label column (classes) or target columns (floats), not both");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        if (path == null && (label != null || !targets.isEmpty() || !features.isEmpty() || test != null
                || standardize || format != null)) {
            throw new IllegalArgumentException("--label, --target, --features, --test, --standardize and --format"
                    + " describe a --data file; the bundled MNIST set takes none of them");
        }
    }

    /** The bundled MNIST set. */
    public static DataSource bundled() {
        return new DataSource(null, null, null, List.of(), List.of(), null, DEFAULT_TEST_FRACTION, false);
    }

    /** The data at {@code path}, read by its extension, with every default. */
    public static DataSource of(Path path) {
        return new DataSource(Objects.requireNonNull(path, "path"), null, null, List.of(), List.of(), null,
                DEFAULT_TEST_FRACTION, false);
    }

    /** The same data with class labels in CSV column {@code column}. */
    public DataSource withLabel(String column) {
        return new DataSource(path, format, column, List.of(), features, test, testFraction, standardize);
    }

    /** The same data with float targets in these CSV columns (regression values, or one probability per class). */
    public DataSource withTargets(String... columns) {
        return new DataSource(path, format, null, List.of(columns), features, test, testFraction, standardize);
    }

    /** The same data with only these CSV feature columns, in this order. */
    public DataSource withFeatures(String... columns) {
        return new DataSource(path, format, label, targets, List.of(columns), test, testFraction, standardize);
    }

    /** The same data tested on the table in {@code file}. */
    public DataSource withTest(Path file) {
        return new DataSource(path, format, label, targets, features, file, testFraction, standardize);
    }

    /** The same data with {@code fraction} of its rows held out for testing (seeded by the run's seed). */
    public DataSource withTestFraction(double fraction) {
        return new DataSource(path, format, label, targets, features, test, fraction, standardize);
    }

    /** The same data with standardized features (the training rows' mean and standard deviation). */
    public DataSource standardized() {
        return new DataSource(path, format, label, targets, features, test, testFraction, true);
    }

    /** The data as read: images with their labels, or tables whose targets a loss has yet to interpret. */
    public sealed interface Loaded permits Images, Tables {
    }

    /** MNIST images, train and test. */
    public record Images(DatasetSplit split) implements Loaded {
    }

    /**
     * Tabular train and test rows, the features already standardized when asked.
     *
     * @param standardization the statistics applied, or null
     */
    public record Tables(TabularData train, TabularData test, Standardization standardization) implements Loaded {
    }

    /**
     * Reads the data; a split of one table is seeded with {@code seed}. Each table is handed to {@code check} with
     * its file as read, before any split or standardization, so that a problem can be named by the file's row.
     *
     * @throws DataFileException naming the file (and row and column, for a cell) when the data cannot be read
     * @throws IllegalArgumentException when the options do not fit the data (table options on an IDX folder, say)
     */
    public Loaded read(long seed, BiConsumer<Path, TabularData> check) {
        if (path == null) {
            return new Images(Mnist.bundled());
        }
        String kind = format(path);
        if (kind.equals("idx")) {
            if (label != null || !targets.isEmpty() || !features.isEmpty() || test != null || standardize) {
                throw new IllegalArgumentException(path + ": a folder of MNIST IDX files has its labels and test set;"
                        + " --label, --target, --features, --test and --standardize are for tables");
            }
            return new Images(Mnist.load(path));
        }
        TabularSplit sides = test != null ? withTestFile(kind, check) : split(kind, seed, check);
        TabularData train = sides.train();
        if (train.rows() == 0) {
            throw new DataFileException(path, "no rows to train on");
        }
        Standardization s = null;
        if (standardize) {
            // In place: the arrays are this read's own, and a copy would add the data's size again at the peak.
            s = Standardization.fit(train);
            s.applyInPlace(train.x());
            s.applyInPlace(sides.test().x());
        }
        return new Tables(train, sides.test(), s);
    }

    /** --data as the training rows, --test as the test rows. */
    private TabularSplit withTestFile(String kind, BiConsumer<Path, TabularData> check) {
        TabularData train = readTable(path, kind);
        check.accept(path, train);
        TabularData testRows = readTable(test, format(test));
        check.accept(test, testRows);
        if (!testRows.featureNames().equals(train.featureNames()) && kind.equals("csv")) {
            throw new DataFileException(test, "its features " + testRows.featureNames() + " differ from "
                    + path + "'s " + train.featureNames());
        }
        if (testRows.features() != train.features()) {
            throw new DataFileException(test, "rows have " + testRows.features() + " features, " + path
                    + "'s have " + train.features());
        }
        return new TabularSplit(train, withClassesOf(train, testRows));
    }

    /** --data's rows split into training and test rows; the whole table is garbage once this returns. */
    private TabularSplit split(String kind, long seed, BiConsumer<Path, TabularData> check) {
        TabularData all = readTable(path, kind);
        check.accept(path, all);
        if (all.rows() < 2) {
            throw new DataFileException(path, all.rows() + " row" + (all.rows() == 1 ? "" : "s") + ": a split"
                    + " into training and test rows needs at least 2 (or give --test FILE)");
        }
        return TabularSplit.split(all, testFraction, seed);
    }

    /** The options as the command line gave them, by option name, for a resumed run to take; "" where not given. */
    public Map<String, String> asGiven() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("data", path == null ? "" : path.toAbsolutePath().toString());
        given.put("format", format == null ? "" : format);
        given.put("label", label == null ? "" : label);
        given.put("target", String.join(",", targets));
        given.put("features", String.join(",", features));
        given.put("test", test == null ? "" : test.toAbsolutePath().toString());
        given.put("test-fraction", test == null && path != null && !format(path).equals("idx")
                ? Double.toString(testFraction) : "");
        given.put("standardize", standardize ? "true" : "");
        return given;
    }

    /**
     * The test table with its labels renumbered to the training table's classes, matched by name: each file numbers
     * its own distinct strings, so "virginica" may be class 1 in one and 2 in the other.
     */
    private TabularData withClassesOf(TabularData train, TabularData testRows) {
        if (!(train.target() instanceof TabularData.ClassLabels trained)
                || !(testRows.target() instanceof TabularData.ClassLabels tested)) {
            if (train.target().getClass() != testRows.target().getClass()) {
                throw new DataFileException(test, "its targets are " + describe(testRows.target()) + " but " + path
                        + "'s are " + describe(train.target()));
            }
            List<String> names = ((TabularData.FloatTargets) train.target()).names();
            if (names.size() != ((TabularData.FloatTargets) testRows.target()).names().size()) {
                throw new DataFileException(test, "rows have " + ((TabularData.FloatTargets) testRows.target())
                        .names().size() + " targets, " + path + "'s have " + names.size());
            }
            return testRows;
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int c = 0; c < trained.classNames().size(); c++) {
            index.put(trained.classNames().get(c), c);
        }
        int[] labels = tested.labels().clone();
        for (int i = 0; i < labels.length; i++) {
            String name = tested.classNames().get(labels[i]);
            Integer c = index.get(name);
            if (c == null) {
                throw new DataFileException(test, "row " + (i + 1) + ": class \"" + name + "\" does not occur in "
                        + path + ", whose classes are " + trained.classNames());
            }
            labels[i] = c;
        }
        return new TabularData(testRows.x(), testRows.rows(), testRows.featureNames(),
                new TabularData.ClassLabels(labels, trained.classNames()));
    }

    private static String describe(TabularData.Target target) {
        return target instanceof TabularData.ClassLabels ? "class labels" : "float targets";
    }

    private String format(Path file) {
        if (format != null) {
            return format;
        }
        if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(".parquet")) {
            return "parquet"; // Spark writes a Parquet table as a folder of part files
        }
        if (Files.isDirectory(file)) {
            return Files.isRegularFile(file.resolve("x.npy")) || Files.isRegularFile(file.resolve("X.npy")) ? "npy"
                    : "idx";
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : List.of("csv", "npy", "npz", "safetensors")) {
            if (name.endsWith("." + ext)) {
                return ext;
            }
        }
        throw new DataFileException(file, Files.exists(file) ? "unknown data format; --data takes a folder of MNIST"
                + " IDX files, a .csv, a .npz, a .safetensors, or a folder holding x.npy and y.npy (or say --format)"
                : "no such file or folder");
    }

    private TabularData readTable(Path file, String kind) {
        if (kind.equals("idx")) {
            throw new IllegalArgumentException(file + ": --test takes a table like --data's, not an IDX folder");
        }
        if (kind.equals("parquet")) {
            throw new IllegalArgumentException(file + ": Parquet is read by clnn-spark train; clnn reads csv, npy,"
                    + " npz and safetensors tables");
        }
        if (!kind.equals("csv") && (label != null || !targets.isEmpty() || !features.isEmpty())) {
            throw new IllegalArgumentException(file + ": --label, --target and --features name CSV columns; a "
                    + kind + " file holds arrays x and y");
        }
        return switch (kind) {
            case "csv" -> {
                if (label == null && targets.isEmpty()) {
                    throw new IllegalArgumentException(file + ": say which CSV column the model predicts: --label"
                            + " COLUMN for classes, --target COLUMN[,COLUMN…] for float targets");
                }
                yield CsvTable.read(file, new CsvTable.Columns(label, targets, features));
            }
            case "safetensors" -> ArrayTables.readSafetensors(file);
            case "npy" -> NumpyArrays.readTable(Files.isDirectory(file) ? file : file.toAbsolutePath().getParent());
            default -> NumpyArrays.readTable(file); // npz
        };
    }
}
