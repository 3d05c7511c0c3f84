package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.CsvTable;
import dev.clnn.data.DataSource;
import dev.clnn.data.Dataset;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables read by the executors ({@link ExecutorData}) against {@code clnn train}'s reading of the same files, and the
 * test set evaluated on the executors ({@link ExecutorTestSet}) against the core's {@link Evaluator}; replicas,
 * evaluators and driver on the CPU reference, so that equal inputs give equal bits.
 */
class ExecutorDataTest {
    private static final Path IRIS = Path.of("..", "data", "iris", "iris.csv");
    private static final Path DIABETES = Path.of("..", "data", "diabetes", "diabetes.csv");
    /**
     * The mean test loss, executors against the core: the CPU reference reduces a batch's loss in double and rounds
     * the mean to float once (relative error ≤ 2^-24 per batch, whatever rows the batch holds), and the batch means
     * are summed in double, so each side is within 2^-24 of the exact mean loss and the two within 2·2^-24; doubled
     * for the double sums' own (≤ rows·2^-53) rounding.
     */
    private static final double LOSS_TOLERANCE = 4 * 0x1p-24;
    /** Regression figures: the same per-element double terms summed in another order, ≤ rows·2^-53 ≈ 1e-14 here. */
    private static final double METRICS_TOLERANCE = 1e-12;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static JavaSparkContext spark;
    private static SparkSession session;
    private static final AtomicLong RESULT_BYTES = new AtomicLong();

    @BeforeAll
    static void start() {
        System.setProperty(Backends.PROPERTY, "cpu"); // the executors share this JVM
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2,4]").setAppName("clnn-spark executor data")
                .set("spark.ui.enabled", "false"));
        spark.setLogLevel("ERROR");
        spark.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    RESULT_BYTES.addAndGet(end.taskMetrics().resultSize());
                }
            }
        });
        session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        ReplicaPool.closeAll();
        EvaluationModels.closeAll();
        System.clearProperty(Backends.PROPERTY);
    }

    private static TrainOptions.Builder iris(DataSource source) {
        return TrainOptions.builder().model("linear(4,16),relu,linear(16,3)").data(source).epochs(3).batch(16)
                .seed(7).quiet(true);
    }

    private static DataSource irisSource(Path file) {
        return DataSource.of(file).withLabel("species").withTestFraction(0.3).standardized();
    }

    private static ExecutorData read(TrainOptions o, String data, String test) {
        TableSource source = TableSource.of(o.data(), new String[] {data, test});
        return ExecutorData.read(spark, source, o);
    }

    /** The training and test rows, in order, with their standardized features: those of clnn train's split. */
    @Test
    void theSplitAndStandardizationAreClnnTrains() {
        for (TrainOptions o : List.of(iris(irisSource(IRIS)).build(), TrainOptions.builder().loss(LossKind.MSE)
                .data(DataSource.of(DIABETES).withTargets("progression").standardized()).seed(3).build())) {
            TrainingData core = TrainingData.load(o.data(), o.loss(), o.seed());
            try (ExecutorData rows = read(o, o.data().path().toString(), null)) {
                assertRowsEqual(core.split().train(), rows.train().collect(), "training rows");
                assertRowsEqual(core.split().test(), rows.test().samples().collect(), "test rows");
                assertEquals(core.metadata(), rows.metadata());
                assertEquals(core.tensors().keySet(), rows.tensors().keySet());
                for (String k : core.tensors().keySet()) {
                    assertArrayEquals(core.tensors().get(k), rows.tensors().get(k), k); // one partition: same sums
                }
            }
        }
    }

    private static void assertRowsEqual(Dataset expected, List<Sample> actual, String what) {
        assertEquals(expected.n(), actual.size(), what);
        int f = expected.features();
        int w = expected.targetWidth();
        for (int i = 0; i < expected.n(); i++) {
            Sample s = actual.get(i);
            assertArrayEquals(java.util.Arrays.copyOfRange(expected.x(), i * f, (i + 1) * f), s.features(),
                    what + " row " + i);
            if (expected.targets() != null) {
                assertArrayEquals(java.util.Arrays.copyOfRange(expected.targets(), i * w, (i + 1) * w), s.targets(),
                        what + " row " + i);
            } else {
                assertEquals(expected.y()[i], s.label(), what + " row " + i);
            }
        }
    }

    /**
     * K = 1 on iris read by the executors (the CSV, and a Parquet written from it with float columns) gives the bits
     * of the driver-read run: the same samples in the same order make the same shards and the same float sums.
     */
    @Test
    void executorReadCsvAndParquetTrainAsTheDriverReadPath(@TempDir Path dir) {
        Path parquet = dir.resolve("iris.parquet");
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> text = session.read().option("header", "true")
                .csv(IRIS.toString());
        List<Column> cast = new ArrayList<>();
        for (String c : text.columns()) {
            // Spark's string-to-float cast parses as Float.parseFloat, as the core's CSV reader does.
            cast.add(c.equals("species") ? functions.col(c) : functions.col(c).cast("float").as(c));
        }
        text.select(cast.toArray(Column[]::new)).coalesce(1).write().parquet(parquet.toString());

        Map<String, TensorEntry> driverRead = train(iris(irisSource(IRIS)).save(dir.resolve("d.safetensors")).build(),
                null, dir.resolve("d.safetensors"));
        Map<String, TensorEntry> csv = train(iris(irisSource(IRIS)).save(dir.resolve("c.safetensors")).build(),
                IRIS.toString(), dir.resolve("c.safetensors"));
        Map<String, TensorEntry> fromParquet = train(iris(irisSource(parquet)).save(dir.resolve("p.safetensors"))
                .build(), parquet.toString(), dir.resolve("p.safetensors"));
        assertEquals(driverRead.keySet(), csv.keySet());
        for (String k : driverRead.keySet()) {
            assertArrayEquals(driverRead.get(k).toFloats(), csv.get(k).toFloats(), "csv " + k);
            assertArrayEquals(driverRead.get(k).toFloats(), fromParquet.get(k).toFloats(), "parquet " + k);
        }
    }

    private static Map<String, TensorEntry> train(TrainOptions o, String location, Path saved) {
        SparkTrainOptions options = new SparkTrainOptions(o, CheckpointOptions.none(), 1, 2);
        try (Backend driver = new CpuBackend()) {
            SparkTrainer trainer = new SparkTrainer(spark, options, driver, QUIET);
            if (location == null) {
                trainer.run(TrainingData.load(o.data(), o.loss(), o.seed()));
            } else {
                try (ExecutorData rows = read(o, location, null)) {
                    trainer.run(rows);
                }
            }
        }
        SafetensorsFile file = Safetensors.read(saved);
        return file.tensors();
    }

    /** The executors' figures equal the core Evaluator's on the same model and rows (3 partitions, other batches). */
    @Test
    void executorEvaluationEqualsTheCoresEvaluator() {
        TrainingData iris = TrainingData.load(irisSource(IRIS), LossKind.CE, 7);
        TrainingData diabetes = TrainingData.load(DataSource.of(DIABETES).withTargets("progression", "bmi")
                .standardized(), LossKind.MSE, 3);
        for (Object[] c : new Object[][] {{iris, LossKind.CE, "linear(4,5),relu,linear(5,3)"},
            {diabetes, LossKind.MSE, "linear(9,8),relu,linear(8,2)"}}) {
            Dataset test = ((TrainingData) c[0]).split().test();
            LossKind loss = (LossKind) c[1];
            String spec = (String) c[2];
            int outputs = loss == LossKind.MSE ? test.targetWidth() : test.classes();
            try (CpuBackend cpu = new CpuBackend(); Sequential model = Models.build(cpu, ModelSpec.parse(spec), 11);
                    ExecutorTestSet executors = new ExecutorTestSet(spark, Samples.of(spark, test, 3), loss, spec,
                            outputs)) {
                Evaluation core = Evaluator.evaluate(cpu, model, test, test.sampleShape(), 8, loss);
                Evaluation spread = executors.evaluate(model, cpu, test.sampleShape(), 8, loss);
                assertEquals(core.total(), spread.total());
                assertEquals(core.correct(), spread.correct());
                assertEquals(core.loss(), spread.loss(), LOSS_TOLERANCE * core.loss(), spec);
                if (loss == LossKind.MSE) {
                    assertEquals(core.regression().mse(), spread.regression().mse(),
                            METRICS_TOLERANCE * core.regression().mse());
                    assertEquals(core.regression().mae(), spread.regression().mae(),
                            METRICS_TOLERANCE * core.regression().mae());
                    assertEquals(core.regression().r2(), spread.regression().r2(), METRICS_TOLERANCE);
                } else {
                    assertTrue(core.correct() > 0 && core.correct() < core.total(), "a test that can fail: "
                            + core.correct());
                }
            }
        }
    }

    @Test
    void aMissingColumnIsOneErrorNamingIt() {
        TrainOptions o = iris(DataSource.of(IRIS).withLabel("kind")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(o, IRIS.toString(), null));
        assertEquals(IRIS + ": line 1: no label column \"kind\"; the columns are \"sepal_length\", \"sepal_width\","
                + " \"petal_length\", \"petal_width\", \"species\"", e.getMessage());
    }

    /** Through the command line: one line on stderr, naming the file, the row and the column. */
    @Test
    void aNonNumericFeatureAndAnUnknownTestClassAreOneLineEach(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(IRIS);
        List<String> bad = new ArrayList<>(lines);
        bad.set(3, bad.get(3).replaceFirst("^[^,]+", "abc"));
        Path badFile = dir.resolve("bad.csv");
        Files.write(badFile, bad);
        assertEquals(badFile + ": row 3, column \"sepal_length\": \"abc\" is not a number",
                cliError("--data", badFile.toString(), "--label", "species"));

        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        Files.write(train, lines.stream().filter(l -> !l.endsWith("virginica")).toList());
        Files.write(test, lines);
        int firstVirginica = lines.indexOf(lines.stream().filter(l -> l.endsWith("virginica")).findFirst()
                .orElseThrow());
        assertEquals(test + ": row " + firstVirginica + ": class \"virginica\" does not occur in " + train
                + ", whose classes are [setosa, versicolor]",
                cliError("--data", train.toString(), "--test", test.toString(), "--label", "species"));
    }

    private static String cliError(String... data) {
        List<String> args = new ArrayList<>(List.of("train", "--master", "local[1]", "--device", "cpu", "--model",
                "linear(4,3)", "--epochs", "1", "--quiet"));
        args.addAll(List.of(data));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        spark.stop(); // the command starts a context of its own
        try {
            assertEquals(1, SparkMain.run(args.toArray(String[]::new), QUIET,
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
        } finally {
            start();
        }
        String text = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, text.lines().count(), text);
        return text.substring("clnn-spark: ".length());
    }

    /**
     * A structural check that the features stay on the executors: over reading a synthetic Parquet table, training an
     * epoch on it and evaluating it, the task results the driver receives (labels as ints, counts, gradients, sums)
     * are a small part of the features' bytes.
     */
    @Test
    void theDriverReceivesFarLessThanTheFeatures(@TempDir Path dir) {
        int rows = 20_000;
        int features = 32;
        String table = dir.resolve("synthetic.parquet").toString();
        SyntheticParquet.write(session, table, rows, features, 5);
        TrainOptions o = TrainOptions.builder().model("linear(32,2)").data(DataSource.of(Path.of(table))
                .withLabel("label")).epochs(1).batch(4000).lr(0.5).seed(1).quiet(true).build();
        RESULT_BYTES.set(0);
        Evaluation result;
        try (Backend driver = new CpuBackend(); ExecutorData data = read(o, table, null)) {
            result = new SparkTrainer(spark, new SparkTrainOptions(o, CheckpointOptions.none(), 1, 2), driver,
                    QUIET).run(data);
        }
        long featureBytes = 4L * rows * features;
        assertTrue(RESULT_BYTES.get() < featureBytes / 10, RESULT_BYTES.get() + " result bytes for " + featureBytes
                + " feature bytes");
        assertTrue(result.accuracy() > 0.8, "the label is learnable: accuracy " + result.accuracy());
    }
}
