package dev.clnn.data;

import static dev.clnn.data.IdxReaderTest.assertMessage;
import static dev.clnn.fixtures.IdxFiles.gzip;
import static dev.clnn.fixtures.IdxFiles.idx;
import static dev.clnn.fixtures.IdxFiles.ramp;
import static dev.clnn.fixtures.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
    private static DatasetSplit bundled;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadBundledOnce() {
        bundled = Mnist.bundled();
    }

    @Test
    void bundledHas8000TrainAnd2000TestDigits() {
        assertEquals(8000, bundled.train().n());
        assertEquals(2000, bundled.test().n());
        assertArrayEquals(new int[] {1, 28, 28}, bundled.train().sampleShape());
        assertEquals(10, bundled.train().classes());
    }

    @Test
    void bundledPixelsAreInUnitRangeAndLabelsAreDigits() {
        for (Dataset d : new Dataset[] {bundled.train(), bundled.test()}) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : d.x()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
            boolean[] seen = new boolean[10];
            for (int label : d.y()) {
                assertTrue(label >= 0 && label <= 9, "label " + label);
                seen[label] = true;
            }
            for (int digit = 0; digit < 10; digit++) {
                assertTrue(seen[digit], "digit " + digit + " never appears");
            }
        }
    }

    @Test
    void bundledValuesMatchTheRawBytes() throws Exception {
        byte[] images = gunzipResource(Mnist.BUNDLED_RESOURCE_DIR + "t10k-images-idx3-ubyte.gz");
        byte[] labels = gunzipResource(Mnist.BUNDLED_RESOURCE_DIR + "t10k-labels-idx1-ubyte.gz");
        int sample = 1234;
        // The brightest pixel of the sample is a non-trivial value to compare.
        int brightest = 0;
        for (int p = 0; p < 784; p++) {
            if ((images[16 + sample * 784 + p] & 0xff) > (images[16 + sample * 784 + brightest] & 0xff)) {
                brightest = p;
            }
        }
        int raw = images[16 + sample * 784 + brightest] & 0xff;
        assertTrue(raw > 0);
        assertEquals(raw / 255f, bundled.test().x()[sample * 784 + brightest]);
        assertEquals(labels[8 + sample], bundled.test().y()[sample]);
    }

    @Test
    void loadsAFolderOfMixedGzipAndRawFiles() {
        writeSet("train", 3, true);
        writeSet("t10k", 2, false);
        DatasetSplit split = Mnist.load(dir);
        assertEquals(3, split.train().n());
        assertEquals(2, split.test().n());
        assertArrayEquals(new int[] {1, 2, 2}, split.test().sampleShape());
        assertEquals(11 / 255f, split.train().x()[11]);
        assertArrayEquals(new int[] {0, 1, 2}, split.train().y());
    }

    @Test
    void missingFolderIsNamed() {
        Path missing = dir.resolve("absent");
        assertMessage(assertThrows(DataFileException.class, () -> Mnist.load(missing)), missing.toString());
    }

    @Test
    void missingFileIsNamed() {
        writeSet("train", 3, true);
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertMessage(e, "t10k-images-idx3-ubyte");
    }

    @Test
    void imageAndLabelCountsMustAgree() {
        writeSet("train", 3, true);
        writeSet("t10k", 2, true);
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"),
                gzip(idx(IdxReader.LABELS_MAGIC, new int[] {3}, new byte[] {0, 1, 2})));
        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));
        assertMessage(e, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "2 images", "3 labels");
    }

    /** n images of 2x2 pixels 0, 1, 2, ... and labels 0, 1, 2, ... */
    private void writeSet(String prefix, int n, boolean gz) {
        byte[] images = idx(IdxReader.IMAGES_MAGIC, new int[] {n, 2, 2}, ramp(4 * n, 0));
        byte[] labels = idx(IdxReader.LABELS_MAGIC, new int[] {n}, ramp(n, 0));
        String suffix = gz ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), gz ? gzip(images) : images);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), gz ? gzip(labels) : labels);
    }

    private static byte[] gunzipResource(String path) throws Exception {
        try (InputStream in = new GZIPInputStream(MnistTest.class.getResourceAsStream(path))) {
            return in.readAllBytes();
        }
    }
}
