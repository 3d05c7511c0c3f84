package dev.clnn.spark;

import dev.clnn.data.CsvTable;
import dev.clnn.data.DataFileException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns of a table are the label, the targets and the features, by position in its schema, as
 * {@code clnn train}'s CSV reading binds them ({@link CsvTable.Columns}): names match exactly, the features are the
 * named ones in that order or every other column in file order, and a missing column is an error naming the file and
 * listing the columns. A Parquet table's features and targets must be numeric columns and its label an integer or a
 * string column; a CSV's cells are all text, parsed as {@link TableRows} reads them.
 */
final class TableColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    final String file;
    final boolean csv;
    final List<String> header;
    final int label; // -1 without one
    final int[] targets;
    final int[] features;
    final List<String> targetNames;
    final List<String> featureNames;

    private TableColumns(String file, boolean csv, List<String> header, int label, int[] targets, int[] features,
            List<String> targetNames, List<String> featureNames) {
        this.file = file;
        this.csv = csv;
        this.header = header;
        this.label = label;
        this.targets = targets;
        this.features = features;
        this.targetNames = targetNames;
        this.featureNames = featureNames;
    }

    /**
     * Binds {@code source}'s columns in the schema of {@code file}.
     *
     * @throws DataFileException naming the file, when a column is missing or (Parquet) of a type that cannot be read
     */
    static TableColumns bind(String file, StructType schema, TableSource source) {
        // The core's checks of the names against each other: one of label or targets, no column in two roles.
        CsvTable.Columns names = new CsvTable.Columns(source.label(), source.targets(), source.features());
        List<String> header = Arrays.asList(schema.fieldNames());
        String at = source.csv() ? "line 1: " : "";
        int label = names.label() == null ? -1 : column(file, at, header, "label", names.label());
        int[] targets = new int[names.targets().size()];
        for (int t = 0; t < targets.length; t++) {
            targets[t] = column(file, at, header, "target", names.targets().get(t));
        }
        List<String> featureNames = new ArrayList<>(names.features());
        if (featureNames.isEmpty()) {
            for (int c = 0; c < header.size(); c++) {
                final int col = c;
                if (c != label && Arrays.stream(targets).noneMatch(t -> t == col)) {
                    featureNames.add(header.get(c));
                }
            }
            if (featureNames.isEmpty()) {
                throw new DataFileException(file, at + "no feature columns: the " + (source.csv() ? "header" : "table")
                        + " has only " + quoted(header));
            }
        }
        int[] features = new int[featureNames.size()];
        for (int f = 0; f < features.length; f++) {
            features[f] = column(file, at, header, "feature", featureNames.get(f));
        }
        if (!source.csv()) {
            for (int c : concat(features, targets)) {
                DataType type = schema.fields()[c].dataType();
                if (!(type instanceof NumericType)) {
                    throw new DataFileException(file, "column \"" + header.get(c) + "\" holds " + type.simpleString()
                            + "; features and targets must be numeric columns");
                }
            }
            if (label >= 0) {
                DataType type = schema.fields()[label].dataType();
                boolean integral = type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType)
                        || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType);
                if (!integral && !type.equals(DataTypes.StringType)) {
                    throw new DataFileException(file, "label column \"" + header.get(label) + "\" holds "
                            + type.simpleString() + "; class labels are integers or strings");
                }
            }
        }
        return new TableColumns(file, source.csv(), List.copyOf(header), label, targets, features,
                List.copyOf(names.targets()), List.copyOf(featureNames));
    }

    private static int column(String file, String at, List<String> header, String role, String name) {
        int c = header.indexOf(name);
        if (c < 0) {
            throw new DataFileException(file, at + "no " + role + " column \"" + name + "\"; the columns are "
                    + quoted(header));
        }
        return c;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
    }
}
