package dev.clnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads MNIST-format data sets (MNIST, Fashion-MNIST, or the bundled 10k subset) from the four standard IDX files:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each either gzip-compressed with a {@code .gz} suffix or raw without one.
 *
 * <p>Each sample becomes sampleShape {1, rows, cols} (one grey channel) with pixels scaled to [0, 1] as
 * {@code byte / 255f} and nothing else: no mean or standard-deviation normalisation, which is left to the model.
 * There are 10 classes.
 */
public final class Mnist {
    /** Digits 0 to 9. */
    public static final int CLASSES = 10;
    /** Classpath folder of the bundled copy (built from the top-level data/mnist-10k/ folder). */
    public static final String BUNDLED_RESOURCE_DIR = "/datasets/mnist-10k/";

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private Mnist() {
    }

    /**
     * Loads the train and test sets from a folder holding the four standard files ({@code .gz} preferred when both
     * forms exist).
     *
     * @throws DataFileException if the folder or a file is missing (the message names it) or a file is malformed
     */
    public static DatasetSplit load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataFileException(dir, "no such directory (expected the four MNIST IDX files in it)");
        }
        return new DatasetSplit(fromFiles(dir, TRAIN_IMAGES, TRAIN_LABELS), fromFiles(dir, TEST_IMAGES, TEST_LABELS));
    }

    /**
     * Loads the bundled MNIST-10k subset shipped in the jar under {@value #BUNDLED_RESOURCE_DIR}: 8,000 training and
     * 2,000 test digits, 28×28, split per digit 80/20 (see data/mnist-10k/README.md for its provenance).
     *
     * @throws DataFileException if a resource is missing from the classpath (the message names its path)
     */
    public static DatasetSplit bundled() {
        return new DatasetSplit(fromResources(TRAIN_IMAGES, TRAIN_LABELS), fromResources(TEST_IMAGES, TEST_LABELS));
    }

    /** Builds a data set from an images array {count, rows, cols} and a labels array {count}. */
    static Dataset dataset(IdxArray images, Object imagesSource, IdxArray labels, Object labelsSource) {
        if (images.count() != labels.count()) {
            throw new DataFileException(imagesSource, "has " + images.count() + " images but " + labelsSource
                    + " has " + labels.count() + " labels");
        }
        int[] shape = images.shape(); // {count, rows, cols}
        float[] x = new float[images.data().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = images.unsigned(i) / 255f;
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.unsigned(i);
            if (y[i] >= CLASSES) {
                throw new DataFileException(labelsSource, "label " + i + " is " + y[i] + ", outside [0, 10)");
            }
        }
        return new Dataset(x, y, shape[0], new int[] {1, shape[1], shape[2]}, CLASSES);
    }

    private static Dataset fromFiles(Path dir, String imagesName, String labelsName) {
        Path images = find(dir, imagesName);
        Path labels = find(dir, labelsName);
        return dataset(IdxReader.readImages(images), images, IdxReader.readLabels(labels), labels);
    }

    private static Dataset fromResources(String imagesName, String labelsName) {
        String images = BUNDLED_RESOURCE_DIR + imagesName + ".gz";
        String labels = BUNDLED_RESOURCE_DIR + labelsName + ".gz";
        return dataset(readResource(images, true), images, readResource(labels, false), labels);
    }

    private static Path find(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        Path raw = dir.resolve(name);
        if (Files.exists(raw)) {
            return raw;
        }
        throw new DataFileException(gz, "no such file (nor " + raw + ")");
    }

    private static IdxArray readResource(String path, boolean images) {
        try (InputStream in = Mnist.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DataFileException(path, "bundled data set resource is not on the classpath");
            }
            return images ? IdxReader.readImages(in, path) : IdxReader.readLabels(in, path);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close resource", e);
        }
    }
}
