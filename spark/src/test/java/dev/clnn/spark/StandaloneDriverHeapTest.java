package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clnn-spark train} on a standalone cluster ({@code spark/local-cluster}, two workers of one core) with a
 * driver heap smaller than the data set: a {@link SyntheticParquet} table of 2,200,000 rows × 96 float features (and
 * an int label) is 844.8 MB as float32 (805.7 MiB, 1.57 × the driver's heap) and about 855 MB of Parquet (no
 * dictionary: random floats do not repeat); the driver runs with {@code -Xmx512m}, each executor with 2 GiB. The
 * executors read the table, so the driver holds only the row count and one int label per row for the split (8.8 MB).
 * One epoch of {@code linear(96,2)} at batch 16,000 (110 rounds) must succeed, learn the label and save the weights.
 *
 * <p>Why 96 features and not thousands: Spark reads a Parquet table column-batched only up to
 * {@code spark.sql.codegen.maxFields} (100) columns; past that it goes row by row through generated projections of
 * every column, which on this 2-core machine read a 4,096-feature table at about 1 M cells per second per core, six
 * minutes for the same bytes. The 512 MiB heap is a real one: Spark's memory manager needs at least 450 MiB of heap
 * and gets it, so no {@code spark.testing.memory} is involved. 90 to 110 s on the machine in docs/spark.md: 30 s to
 * write the table in this JVM, 60 to 80 s for the submission.
 */
@Tag("cluster")
class StandaloneDriverHeapTest {
    private static final long ROWS = 2_200_000;
    private static final int FEATURES = 96;
    private static final String DRIVER_HEAP = "512m";
    private static final long DRIVER_HEAP_BYTES = 512L << 20;
    private static final String EXECUTOR_MEMORY = "2g";
    private static final Duration SUBMISSION_LIMIT = Duration.ofMinutes(5);

    @TempDir
    static Path dir;
    private static LocalCluster cluster;
    private static Path table;

    @BeforeAll
    static void start() throws Exception {
        LocalCluster.assumeSupported();
        table = dir.resolve("synthetic.parquet");
        SparkSession spark = SparkSession.builder().appName("driver heap table").master("local[2]")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            SyntheticParquet.write(spark, table.toString(), ROWS, FEATURES, 3);
        } finally {
            spark.stop();
        }
        cluster = new LocalCluster("standalone-driver-heap-test", dir);
        cluster.start("--workers", "2", "--cores", "1", "--memory", EXECUTOR_MEMORY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /**
     * The label is the sign of a fixed ±1 sum of the features, which {@code linear(96,2)} represents exactly; one
     * epoch reached 99.7% test accuracy when measured. Above 90% leaves room for another seed or platform and still
     * fails a run that learned little (chance is about 50%).
     */
    @Test
    void trainsOnATableLargerThanTheDriversHeap() throws Exception {
        long featureBytes = 4L * ROWS * FEATURES;
        assertTrue(featureBytes >= 1.5 * DRIVER_HEAP_BYTES, featureBytes + " feature bytes");
        assertTrue(parquetBytes() >= 1.5 * DRIVER_HEAP_BYTES, parquetBytes() + " bytes of Parquet");

        Path weights = dir.resolve("weights.safetensors");
        Path out = dir.resolve("driver.out");
        Path err = dir.resolve("driver.err");
        List<String> args = new ArrayList<>(List.of("submit", "train", "--data", table.toString(), "--label", "label",
                "--model", "linear(" + FEATURES + ",2)", "--epochs", "1", "--batch", "16000", "--seed", "1",
                "--partitions", "2", "--device", "cpu", "--quiet", "--save", weights.toString()));
        Process driver = cluster.command(Map.of("CLNN_DRIVER_MEMORY", DRIVER_HEAP, "CLNN_EXECUTOR_MEMORY",
                EXECUTOR_MEMORY), args.toArray(String[]::new)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        boolean ended = driver.waitFor(SUBMISSION_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            driver.destroyForcibly().waitFor();
        }
        String report = "stdout:\n" + Files.readString(out) + "\ndriver log (stderr):\n" + Files.readString(err);
        assertTrue(ended, "the driver ran over " + SUBMISSION_LIMIT + "\n" + report);
        assertEquals(0, driver.exitValue(), report);

        List<String> lines = Files.readAllLines(out);
        Matcher accuracy = Pattern.compile("test accuracy ([0-9.]+)%").matcher(lines.get(lines.size() - 1));
        assertTrue(accuracy.matches(), report);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 90, report);
        Map<String, TensorEntry> saved = Safetensors.read(weights).tensors();
        long parameters = saved.values().stream().mapToLong(t -> t.toFloats().length).sum();
        assertEquals(FEATURES * 2 + 2, parameters, "linear(96,2)'s weights and biases: " + saved.keySet());
    }

    /** The Parquet part files' bytes on disk. */
    private static long parquetBytes() throws IOException {
        try (Stream<Path> files = Files.list(table)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
