package dev.clnn.spark;

import dev.clnn.data.DataFileException;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Standardization;
import dev.clnn.data.TabularSplit;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A run's data read on the executors ({@link TableSource}: CSV or Parquet through Spark's DataFrame readers), as
 * {@code clnn train} reads the same table: the same rows in the same order, the same seeded stratified split (chosen
 * on the driver from the labels alone: {@link TabularSplit#testRows}), the same standardization (its sums taken on
 * the executors) and the same metadata to save with the weights. The driver holds the row count and, for a split of
 * labelled rows, one int per row; the features never leave the executors.
 *
 * @param train       the training samples, in the table's order
 * @param test        the test rows, kept on the executors and evaluated there
 * @param sampleShape one sample's shape: {features}
 * @param outputs     the classes (ce, kl) or targets per row (mse)
 * @param isTest      which rows of {@code data} the split put on the test side; null with a --test table
 * @param digest      the data's identity in training states: the source, its split and its row counts
 * @param metadata    safetensors metadata to save with the weights, as {@code TrainingData.metadata}
 * @param tensors     the standardization to save with the weights, or none
 */
record ExecutorData(JavaRDD<Sample> train, ExecutorTestSet test, int[] sampleShape, int outputs, BitSet isTest,
        String digest, Map<String, String> metadata, Map<String, float[]> tensors) implements AutoCloseable {

    /**
     * Reads {@code source} for the run's loss, splitting with its seed.
     *
     * @throws IllegalArgumentException (a {@link DataFileException} naming the file, the row and the column where
     *                                  one is at fault) when the data cannot be read or does not suit the loss
     */
    static ExecutorData read(JavaSparkContext spark, TableSource source, TrainOptions options) {
        LossKind loss = options.loss();
        requireFits(source, loss);
        SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
        org.apache.spark.sql.Dataset<Row> frame = TableRows.frame(session, source.data(), source.csv());
        TableColumns columns = TableColumns.bind(source.data(), frame.schema(), source);
        boolean split = source.test() == null;
        LabelPass pass = LabelPass.of(frame, columns, split);
        long n = pass.rows();
        if (n == 0) {
            throw new DataFileException(source.data(), "no rows to train on");
        }
        JavaRDD<IndexedSample> all = parsed(frame, columns, pass, loss, pass.numbering());
        JavaRDD<Sample> train;
        JavaRDD<Sample> test;
        BitSet isTest = null;
        if (split) {
            if (n < 2) {
                throw new DataFileException(source.data(), n + " row: a split into training and test rows needs at"
                        + " least 2 (or give --test FILE)");
            }
            boolean[] chosen = TabularSplit.testRows(pass.labels(), pass.numbering() == null ? 0
                    : pass.numbering().classNames().size(), Math.toIntExact(n), source.testFraction(),
                    options.seed());
            isTest = new BitSet(chosen.length);
            for (int i = 0; i < chosen.length; i++) {
                isTest.set(i, chosen[i]);
            }
            Broadcast<BitSet> side = spark.broadcast(isTest);
            train = all.filter(s -> !side.value().get(Math.toIntExact(s.row()))).map(IndexedSample::sample);
            test = all.filter(s -> side.value().get(Math.toIntExact(s.row()))).map(IndexedSample::sample);
        } else {
            train = all.map(IndexedSample::sample);
            test = testTable(session, source, columns, pass, loss);
        }
        Standardization standardization = null;
        if (source.standardize()) {
            standardization = FeatureStatistics.fit(train, columns.features.length);
            float[] mean = standardization.mean();
            float[] std = standardization.std();
            train = standardized(train, mean, std);
            test = standardized(test, mean, std);
        }
        int outputs = columns.label >= 0 ? pass.numbering().classNames().size() : columns.targets.length;
        ExecutorTestSet testSet = new ExecutorTestSet(spark, test, loss, options.model().text(), outputs);
        return new ExecutorData(train, testSet, new int[] {columns.features.length}, outputs, isTest,
                digest(source, n, testSet.rows(), options.seed()),
                metadata(source, columns, pass, loss, options.seed()),
                standardization == null ? Map.of() : standardization.toTensors());
    }

    /** The test rows of their own table, checked against the training table's columns and classes. */
    private static JavaRDD<Sample> testTable(SparkSession session, TableSource source, TableColumns trained,
            LabelPass trainPass, LossKind loss) {
        org.apache.spark.sql.Dataset<Row> frame = TableRows.frame(session, source.test(), source.csv());
        TableColumns columns = TableColumns.bind(source.test(), frame.schema(), source);
        if (source.csv() && !columns.featureNames.equals(trained.featureNames)) {
            throw new DataFileException(source.test(), "its features " + columns.featureNames + " differ from "
                    + source.data() + "'s " + trained.featureNames);
        }
        LabelPass pass = LabelPass.of(frame, columns, false);
        if (pass.rows() == 0) {
            throw new DataFileException(source.test(), "no rows to test on");
        }
        ClassNumbering numbering = columns.label < 0 ? null : trainPass.numbering().renumber(pass.numbering(),
                pass.firstRow(), source.test(), source.data());
        return parsed(frame, columns, pass, loss, numbering).map(IndexedSample::sample);
    }

    /** Every row as a sample with its 0-based row index, parsed on the executors. */
    private static JavaRDD<IndexedSample> parsed(org.apache.spark.sql.Dataset<Row> frame, TableColumns columns,
            LabelPass pass, LossKind loss, ClassNumbering numbering) {
        TableRows reader = new TableRows(columns, loss);
        long[] partitionRows = pass.partitionRows();
        long[] offsets = new long[partitionRows.length];
        for (int p = 1; p < offsets.length; p++) {
            offsets[p] = offsets[p - 1] + partitionRows[p - 1];
        }
        Map<String, Integer> classOf = numbering == null ? Map.of() : numbering.classOf();
        String file = columns.file;
        return frame.javaRDD().mapPartitionsWithIndex((p, rows) -> new Iterator<IndexedSample>() {
            private long local;

            @Override
            public boolean hasNext() {
                boolean more = rows.hasNext();
                if (!more && local != partitionRows[p]) {
                    // The label pass read the same splits of the same files; a difference means they changed.
                    throw new IllegalStateException(file + ": partition " + p + " has " + local + " rows but had "
                            + partitionRows[p] + " when the labels were read; was the table changed meanwhile?");
                }
                return more;
            }

            @Override
            public IndexedSample next() {
                long row = offsets[p] + local++;
                return new IndexedSample(row, reader.sample(rows.next(), row, classOf));
            }
        }, true);
    }

    private static JavaRDD<Sample> standardized(JavaRDD<Sample> samples, float[] mean, float[] std) {
        return samples.mapPartitions(rows -> {
            Standardization s = new Standardization(mean, std);
            return new Iterator<Sample>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Sample next() {
                    Sample r = rows.next();
                    return new Sample(s.apply(r.features()), r.label(), r.targets());
                }
            };
        }, true);
    }

    /** TrainingData's check that the table's targets suit the loss, before any row is read. */
    private static void requireFits(TableSource source, LossKind loss) {
        if (loss == LossKind.CE && source.label() == null) {
            throw new DataFileException(source.data(), "--loss ce needs class labels (--label COLUMN, or an integer"
                    + " y) but the targets " + source.targets() + " are floats; use --loss mse for regression or"
                    + " --loss kl for probability rows");
        }
        if (loss != LossKind.CE && source.label() != null) {
            throw new DataFileException(source.data(), "--loss " + loss.text() + " needs float targets (--target"
                    + " COLUMN…, or a float y) but the data has class labels; use --loss ce");
        }
        if (source.label() == null && source.targets().isEmpty()) {
            throw new IllegalArgumentException(source.data() + ": say which column the model predicts: --label"
                    + " COLUMN for classes, --target COLUMN[,COLUMN…] for float targets");
        }
        if (loss == LossKind.KL && source.targets().size() < 2) {
            throw new DataFileException(source.data(), "--loss kl needs a probability per class (2 or more target"
                    + " columns), got " + source.targets());
        }
    }

    /** As TrainingData.load's: the loss, the split, the task with its class or target names, the features. */
    private static Map<String, String> metadata(TableSource source, TableColumns columns, LabelPass pass,
            LossKind loss, long seed) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ModelMetadata.LOSS, loss.text());
        if (source.test() == null) {
            metadata.put(ModelMetadata.SPLIT_SEED, Long.toString(seed));
            metadata.put(ModelMetadata.TEST_FRACTION, Double.toString(source.testFraction()));
        }
        if (loss == LossKind.MSE) {
            metadata.put(ModelMetadata.TASK, ModelMetadata.REGRESSION);
            metadata.put(ModelMetadata.TARGETS, ModelMetadata.toJson(columns.targetNames));
        } else {
            metadata.put(ModelMetadata.TASK, ModelMetadata.CLASSIFICATION);
            metadata.put(ModelMetadata.CLASSES, ModelMetadata.toJson(columns.label >= 0
                    ? pass.numbering().classNames() : columns.targetNames));
        }
        metadata.put(ModelMetadata.FEATURES, ModelMetadata.toJson(columns.featureNames));
        return Map.copyOf(metadata);
    }

    private static String digest(TableSource source, long rows, long testRows, long seed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((source + "|" + rows + "|" + testRows + "|" + seed).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    @Override
    public void close() {
        test.close();
    }

    /** A parsed row with its 0-based index in the table. */
    record IndexedSample(long row, Sample sample) implements java.io.Serializable {
    }
}
