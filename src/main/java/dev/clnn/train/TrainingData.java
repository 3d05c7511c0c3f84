package dev.clnn.train;

import dev.clnn.data.DataFileException;
import dev.clnn.data.DataSource;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TabularData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's data read for its loss ({@link LossKind}): class labels for ce, float targets for mse, probability rows for
 * kl, and what the weights file keeps beside the parameters so that {@code eval} and {@code predict} read inputs and
 * name outputs as training did (the {@link ModelMetadata} keys, the {@link Standardization} tensors).
 *
 * @param split    the training and test sets
 * @param metadata safetensors metadata to save with the weights
 * @param tensors  extra tensors to save with the weights (the standardization), possibly none
 */
public record TrainingData(DatasetSplit split, Map<String, String> metadata, Map<String, float[]> tensors) {

    /** Data from memory, with nothing to keep beside the weights. */
    public static TrainingData of(DatasetSplit split) {
        return new TrainingData(split, Map.of(), Map.of());
    }

    /**
     * Reads {@code source} (a table split with {@code seed}) for {@code loss}.
     *
     * @throws IllegalArgumentException naming the file, and the row where one is at fault, when the data does not
     *                                  suit the loss (float targets for ce, labels for mse, rows that are not
     *                                  probabilities for kl)
     */
    public static TrainingData load(DataSource source, LossKind loss, long seed) {
        DataSource.Loaded loaded = source.read(seed, (file, table) -> requireFits(file, table, loss));
        if (loaded instanceof DataSource.Images images) {
            DatasetSplit split = images.split();
            loss.requireFits(split.train(), (source.path() == null ? "the bundled MNIST set" : source.path().toString())
                    + " (images with class labels)");
            return new TrainingData(split, Map.of(ModelMetadata.LOSS, loss.text()), Map.of());
        }
        DataSource.Tables tables = (DataSource.Tables) loaded;
        DatasetSplit split = new DatasetSplit(dataset(tables.train(), loss), dataset(tables.test(), loss));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ModelMetadata.LOSS, loss.text());
        if (source.test() == null) {
            metadata.put(ModelMetadata.SPLIT_SEED, Long.toString(seed));
            metadata.put(ModelMetadata.TEST_FRACTION, Double.toString(source.testFraction()));
        }
        TabularData.Target target = tables.train().target();
        if (loss == LossKind.MSE) {
            metadata.put(ModelMetadata.TASK, ModelMetadata.REGRESSION);
            metadata.put(ModelMetadata.TARGETS, ModelMetadata.toJson(((TabularData.FloatTargets) target).names()));
        } else {
            metadata.put(ModelMetadata.TASK, ModelMetadata.CLASSIFICATION);
            metadata.put(ModelMetadata.CLASSES, ModelMetadata.toJson(target instanceof TabularData.ClassLabels l
                    ? l.classNames() : ((TabularData.FloatTargets) target).names()));
        }
        List<String> features = tables.train().featureNames();
        if (features.stream().noneMatch(name -> name.startsWith("x["))) { // a CSV's columns, not array positions
            metadata.put(ModelMetadata.FEATURES, ModelMetadata.toJson(features));
        }
        Map<String, float[]> tensors = tables.standardization() == null ? Map.of()
                : tables.standardization().toTensors();
        return new TrainingData(split, Map.copyOf(metadata), tensors);
    }

    /**
     * The test set of {@code source} as the run that saved {@code weights} tested on it: the same rows (split with
     * {@code seed}), the weights file's standardization applied, and class names numbered as the weights file lists
     * them ({@link ModelMetadata#CLASSES}).
     *
     * @param weightsFile the weights' path, for messages
     * @throws IllegalArgumentException naming the file when the data does not fit the stored features or classes
     */
    public static Dataset testSet(DataSource source, LossKind loss, long seed, SafetensorsFile weights,
            Path weightsFile) {
        DataSource.Loaded loaded = source.read(seed, (file, table) -> requireFits(file, table, loss));
        if (loaded instanceof DataSource.Images images) {
            loss.requireFits(images.split().test(), "the test set");
            return images.split().test();
        }
        TabularData test = ((DataSource.Tables) loaded).test();
        Path testFile = source.test() != null ? source.test() : source.path();
        Standardization s = Standardization.stored(weights, weightsFile);
        if (s != null) {
            if (s.features() != test.features()) {
                throw new IllegalArgumentException(testFile + ": rows have " + test.features() + " features but the"
                        + " standardization in " + weightsFile + " has " + s.features());
            }
            test = s.apply(test);
        }
        List<String> classes = ModelMetadata.names(weights.metadata(), ModelMetadata.CLASSES);
        if (classes != null && test.target() instanceof TabularData.ClassLabels labels) {
            int[] renumbered = labels.labels().clone();
            for (int i = 0; i < renumbered.length; i++) {
                String name = labels.classNames().get(renumbered[i]);
                renumbered[i] = classes.indexOf(name);
                if (renumbered[i] < 0) {
                    throw new DataFileException(testFile, "class \"" + name + "\" is not one of the classes "
                            + classes + " that " + weightsFile + " was trained on");
                }
            }
            test = new TabularData(test.x(), test.rows(), test.featureNames(),
                    new TabularData.ClassLabels(renumbered, classes));
        }
        return dataset(test, loss);
    }

    /** Refuses, naming the file (and the row), a table whose targets the loss cannot train on. */
    private static void requireFits(Path file, TabularData table, LossKind loss) {
        TabularData.Target target = table.target();
        if (loss == LossKind.CE && target instanceof TabularData.FloatTargets t) {
            throw new DataFileException(file, "--loss ce needs class labels (--label COLUMN, or an integer y) but"
                    + " the targets " + t.names() + " are floats; use --loss mse for regression or --loss kl for"
                    + " probability rows");
        }
        if (loss != LossKind.CE && target instanceof TabularData.ClassLabels) {
            throw new DataFileException(file, "--loss " + loss.text() + " needs float targets (--target COLUMN…, or"
                    + " a float y) but the data has class labels; use --loss ce");
        }
        if (loss == LossKind.KL) {
            TabularData.FloatTargets t = (TabularData.FloatTargets) target;
            int classes = t.names().size();
            if (classes < 2) {
                throw new DataFileException(file, "--loss kl needs a probability per class (2 or more target"
                        + " columns), got " + t.names());
            }
            float[] p = t.values();
            for (int i = 0; i < table.rows(); i++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    float v = p[i * classes + c];
                    if (!(v >= 0)) {
                        throw new DataFileException(file, "row " + (i + 1) + ", column \"" + t.names().get(c) + "\": "
                                + v + " is not a probability (soft targets must be ≥ 0)");
                    }
                    sum += v;
                }
                if (Math.abs(sum - 1) > Dataset.ROW_SUM_TOLERANCE) {
                    throw new DataFileException(file, String.format(Locale.ROOT, "row %d: the probabilities %s sum"
                            + " to %.6g, not 1 within %.0e", i + 1, t.names(), sum, Dataset.ROW_SUM_TOLERANCE));
                }
            }
        }
    }

    /** The table as a data set for the loss: its features a flat sample, its targets as the loss takes them. */
    static Dataset dataset(TabularData table, LossKind loss) {
        int[] sample = {table.features()};
        TabularData.Target target = table.target();
        if (target instanceof TabularData.ClassLabels labels) {
            return new Dataset(table.x(), labels.labels(), table.rows(), sample, labels.classNames().size());
        }
        TabularData.FloatTargets values = (TabularData.FloatTargets) target;
        int width = values.names().size();
        return loss == LossKind.KL ? Dataset.softTargets(table.x(), values.values(), table.rows(), sample, width)
                : Dataset.regression(table.x(), values.values(), table.rows(), sample, width);
    }
}
