package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.checkpoint.StateFile;
import dev.clnn.checkpoint.TrainingState;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.data.Mnist;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.TensorEntry;
import dev.clnn.optim.OptimizerKind;
import dev.clnn.parallel.DataParallelStep;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.Evaluation;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Spark trainer in Spark's local mode inside the test JVM, on the bundled MNIST. The replicas and the
 * single-device runs it is compared with use the default device (an OpenCL device, else the CPU reference).
 * {@code local[3,4]}: three executor threads, so a barrier stage of 3 partitions fits ({@link Sync#AUTO} picks
 * barrier segments wherever the tests use 3 or fewer), and up to 4 attempts per task (plain local[3] never retries).
 */
class SparkTrainingTest {
    /**
     * K = 1 against single-device training, relative L2 difference per weight tensor. Each step differs by fp32
     * rounding only: a shard's gradient sums its rows in another order than the whole batch does (relative error
     * ~ √rows·2^-24 ≈ 1e-6 per element) and each replica rounds its own update before the mean. Those ~1e-7-relative
     * differences of the weights pass through at most ~20 steps of training here, in which SGD at lr ≤ 0.05 changes
     * the weights by a few percent, so they do not grow by more than a small factor: 1e-5 holds with margin, while one
     * wrong batch (other samples, other weighting) moves the weights by ~1e-3.
     */
    static final double K1_TOLERANCE = 1e-5;
    /** The bound on K > 1: within half a percentage point of single-device accuracy. */
    private static final double LOCAL_SGD_ACCURACY_POINTS = 0.5;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static JavaSparkContext spark;
    private static DatasetSplit mnist;

    @BeforeAll
    static void start() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[3,4]").setAppName("clnn-spark tests")
                .set("spark.ui.enabled", "false"));
        mnist = Mnist.bundled();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        ReplicaPool.closeAll();
    }

    /**
     * 1001 samples, global batch 50 on 3 replicas: shards of 17 and 16 rows, and a last batch of one row that two of
     * the replicas have no part of. Momentum, Nesterov and weight decay, all averaged.
     */
    @Test
    void oneLocalStepEqualsSingleDeviceTraining(@TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 1001), mnist.test());
        Evaluation[] runs = singleAndK1(options(1, 50, true, 1e-4f, null), data, dir);
        assertEquals(runs[0].accuracy(), runs[1].accuracy(), 0.001, "test accuracy");
    }

    /**
     * K = 1 sums the replicas' gradients as {@code --devices} sums its replicas' and steps on the driver, so with the
     * executors' replicas and the driver on the CPU reference it is {@code DataParallelStep} over 3 CPU replicas to
     * the bit: the same shards (one shard rule), the same float sum in rank order, the same update. 400 samples in
     * batches of 50 over 3 replicas: shards of 17, 17 and 16 rows.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"SGD, BARRIER", "ADAM, BARRIER", "ADAMW, BARRIER", "SGD, JOBS", "ADAM, JOBS"})
    void oneLocalStepIsTheDataParallelStepBitForBit(OptimizerKind optimizer, Sync sync, @TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 400), first(mnist.test(), 200));
        // A model of its own, so the replica pool opens replicas on the CPU reference for it. Adam is not affine in
        // the gradient, so averaging the replicas' updates would not do; the driver's step on the summed gradient does.
        // Dropout's masks are keyed by the run's step and the global row, so the replicas draw what DataParallelStep's
        // do; batch norm's running statistics are averaged by the same rule (every shard has at least 16 rows).
        TrainOptions.Builder b = TrainOptions.builder()
                .model("linear(784,24),batchnorm1d(24),relu,dropout(0.3),linear(24,10)").epochs(2).batch(50)
                .weightDecay(1e-4f).seed(3).quiet(true).optimizer(optimizer);
        TrainOptions o = (optimizer == OptimizerKind.SGD ? b.nesterov(true) : b.sgd(1e-3, 0f)).build();
        Path devices = dir.resolve("devices.safetensors");
        Path cluster = dir.resolve("spark.safetensors");
        new Trainer(DataParallelStep.factory(List.of(new CpuBackend(), new CpuBackend(), new CpuBackend())),
                o.toBuilder().save(devices).build(), QUIET, false).run(data);
        onCpu(new SparkTrainOptions(o.toBuilder().save(cluster).build(), CheckpointOptions.none(), 1, 3, sync,
                Shuffle.GLOBAL), data, FaultInjection.NONE);
        assertSameWeights(devices, cluster);
    }

    /**
     * K = 2 (local SGD) in barrier segments is the run of one job per round to the bit: every task averages the
     * replicas' states with the driver's code in the driver's order. With momentum and Nesterov, replicas on the CPU.
     */
    @Test
    void localStepsInBarrierSegmentsEqualRoundsOfJobs(@TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 400), first(mnist.test(), 200));
        TrainOptions o = TrainOptions.builder().model("linear(784,24),relu,linear(24,10)").epochs(2).batch(50)
                .nesterov(true).seed(5).quiet(true).build();
        Path jobs = dir.resolve("jobs.safetensors");
        Path barrier = dir.resolve("barrier.safetensors");
        onCpu(new SparkTrainOptions(o.toBuilder().save(jobs).build(), CheckpointOptions.none(), 2, 3, Sync.JOBS,
                Shuffle.GLOBAL), data, FaultInjection.NONE);
        onCpu(new SparkTrainOptions(o.toBuilder().save(barrier).build(), CheckpointOptions.none(), 2, 3,
                Sync.BARRIER, Shuffle.GLOBAL), data, FaultInjection.NONE);
        assertSameWeights(jobs, barrier);
    }

    /**
     * Two rows over three partitions with --loss mse: partition 2 has no row in the whole epoch, so its shard holds no
     * targets; a barrier segment trains on the others as a round of jobs does, to the bit.
     */
    @Test
    void aPartitionWithoutRowsTrainsNothingInBarrierSegments(@TempDir Path dir) {
        TrainOptions o = options(2, 2, false, 0f, null).toBuilder().model("linear(6,2)").loss(LossKind.MSE).build();
        DatasetSplit data = regressionTable(2, 4);
        Path jobs = dir.resolve("jobs.safetensors");
        Path barrier = dir.resolve("barrier.safetensors");
        onCpu(new SparkTrainOptions(o.toBuilder().save(jobs).build(), CheckpointOptions.none(), 1, 3, Sync.JOBS,
                Shuffle.GLOBAL), data, FaultInjection.NONE);
        onCpu(new SparkTrainOptions(o.toBuilder().save(barrier).build(), CheckpointOptions.none(), 1, 3,
                Sync.BARRIER, Shuffle.GLOBAL), data, FaultInjection.NONE);
        assertSameWeights(jobs, barrier);
    }

    /**
     * --shuffle local lays out the first epoch as global does (so one epoch gives the same weights), then shuffles
     * each partition's rows in place: a second epoch trains on other batches, the same way in every run.
     */
    @Test
    void localShuffleKeepsTheFirstEpochAndRepeatsItsLaterOnes(@TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 300), first(mnist.test(), 100));
        TrainOptions o = TrainOptions.builder().model("linear(784,16),relu,linear(16,10)").batch(50).seed(2)
                .quiet(true).build();
        Path[] runs = new Path[5];
        String[] names = {"global1", "local1", "global2", "local2", "local2again"};
        for (int i = 0; i < runs.length; i++) {
            runs[i] = dir.resolve(names[i] + ".safetensors");
            int epochs = names[i].endsWith("1") ? 1 : 2;
            Shuffle shuffle = names[i].startsWith("global") ? Shuffle.GLOBAL : Shuffle.LOCAL;
            onCpu(new SparkTrainOptions(o.toBuilder().epochs(epochs).save(runs[i]).build(), CheckpointOptions.none(),
                    1, 3, Sync.BARRIER, shuffle), data, FaultInjection.NONE);
        }
        assertSameWeights(runs[0], runs[1]);
        assertSameWeights(runs[3], runs[4]);
        float[] global = Safetensors.read(runs[2]).tensors().get("0.weight").toFloats();
        float[] local = Safetensors.read(runs[3]).tensors().get("0.weight").toFloats();
        assertTrue(relativeDifference(global, local) > 1e-4, "epoch 2 of --shuffle local trains on other batches");
    }

    @Test
    void adamIsRefusedWithLocalSteps() {
        TrainOptions adam = TrainOptions.builder().sgd(1e-3, 0f).optimizer(OptimizerKind.ADAM).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparkTrainOptions(adam, CheckpointOptions.none(), 4, 2));
        assertTrue(e.getMessage().startsWith("--local-steps 4 averages the replicas' weights, which only SGD allows"),
                e.getMessage());
    }

    /**
     * --loss mse on a regression table of two targets (301 rows, global batch 50 on 3 replicas, two epochs): the
     * replicas train on the float targets, and K = 1 is single-device training within {@link #K1_TOLERANCE}, the
     * fp32 argument being the same as for cross-entropy. The test MSE follows the weights: a relative 1e-5 moves the
     * outputs by about that much, and 1e-3 leaves room for residuals a hundred times smaller than the outputs.
     */
    @Test
    void mseOneLocalStepEqualsSingleDeviceTraining(@TempDir Path dir) {
        TrainOptions o = options(2, 50, true, 1e-4f, null).toBuilder().model("linear(6,16),relu,linear(16,2)")
                .loss(LossKind.MSE).build();
        Evaluation[] runs = singleAndK1(o, regressionTable(301, 100), dir);
        assertTrue(runs[1].isRegression(), "a regressor's figures");
        assertEquals(runs[0].loss(), runs[1].loss(), 1e-3 * runs[0].loss(), "test MSE");
    }

    /**
     * --loss kl on probability rows (a fixed teacher's softmax over 3 classes): as for mse, K = 1 is single-device
     * training within {@link #K1_TOLERANCE}, and the accuracy against each row's arg-max is the same.
     */
    @Test
    void klOneLocalStepEqualsSingleDeviceTraining(@TempDir Path dir) {
        TrainOptions o = options(2, 50, true, 1e-4f, null).toBuilder().model("linear(8,16),relu,linear(16,3)")
                .loss(LossKind.KL).build();
        Evaluation[] runs = singleAndK1(o, softTargetTable(301, 100), dir);
        assertEquals(runs[0].accuracy(), runs[1].accuracy(), 0.001, "test accuracy");
        assertEquals(runs[0].loss(), runs[1].loss(), 1e-3 * runs[0].loss(), "test KL divergence");
    }

    /** Samples without what the loss compares with are refused on the driver before the first round. */
    @Test
    void samplesWithoutTheLossesTargetsAreRefused() {
        DatasetSplit table = regressionTable(20, 10);
        TrainOptions mse = options(1, 8, false, 0f, null).toBuilder().model("linear(6,2)").loss(LossKind.MSE)
                .build();
        List<Sample> labelled = new ArrayList<>();
        for (int i = 0; i < table.train().n(); i++) {
            labelled.add(new Sample(Arrays.copyOfRange(table.train().x(), i * 6, (i + 1) * 6), i % 2));
        }
        try (Backend backend = Backends.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SparkTrainer(spark,
                    new SparkTrainOptions(mse, CheckpointOptions.none(), 1, 2), backend, QUIET)
                    .run(spark.parallelize(labelled, 2), new int[] {6}, table.test()));
            assertEquals("20 of the 20 training samples have no float targets, which --loss mse needs",
                    e.getMessage());
        }
    }

    /**
     * K = 4 (local SGD) on the whole bundled training set for one epoch (the default is 10 epochs; one keeps the test
     * to about a minute on the CPU reference) ends within 0.5 points of the single-device run.
     */
    @Test
    void fourLocalStepsEndNearSingleDeviceAccuracy() {
        TrainOptions o = options(1, 64, false, 0f, null);
        double single = single(o, mnist).accuracy();
        double local = spark(new SparkTrainOptions(o, CheckpointOptions.none(), 4, 2), mnist, FaultInjection.NONE)
                .accuracy();
        assertEquals(single * 100, local * 100, LOCAL_SGD_ACCURACY_POINTS,
                "test accuracy (percent): single device vs 2 replicas with 4 local steps");
    }

    /**
     * A task that fails after training (its replica dirty) is run again, by Spark (a round of jobs) or by the driver
     * (the whole barrier segment, from its start): the weights are the same, bit for bit.
     */
    @ParameterizedTest
    @EnumSource(value = Sync.class, names = {"BARRIER", "JOBS"})
    void aTaskFailureRetriedGivesTheSameWeights(Sync sync, @TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 600), first(mnist.test(), 200));
        Path clean = dir.resolve("clean.safetensors");
        Path retried = dir.resolve("retried.safetensors");
        spark(new SparkTrainOptions(options(1, 64, false, 0f, clean), CheckpointOptions.none(), 2, 2, sync,
                Shuffle.GLOBAL), data, FaultInjection.NONE);
        spark(new SparkTrainOptions(options(1, 64, false, 0f, retried), CheckpointOptions.none(), 2, 2, sync,
                Shuffle.GLOBAL), data, new FaultInjection(1, 2, 1));
        assertSameWeights(clean, retried);
    }

    /**
     * A run whose driver fails in epoch 2 (a task that fails on every attempt fails the job) leaves the checkpoint of
     * epoch 1; a new run with --resume finishes with the weights of a run that never failed.
     */
    @Test
    void aFailedDriverResumesFromTheLastEpochCheckpoint(@TempDir Path dir) {
        DatasetSplit data = new DatasetSplit(first(mnist.train(), 600), first(mnist.test(), 200));
        Path clean = dir.resolve("clean.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        Path checkpoints = dir.resolve("checkpoints");
        spark(new SparkTrainOptions(options(2, 64, false, 0f, clean), CheckpointOptions.none(), 1, 2), data,
                FaultInjection.NONE);
        long firstStepOfEpoch2 = 10; // ceil(600 / 64) steps per epoch
        assertThrows(Exception.class, () -> spark(new SparkTrainOptions(options(2, 64, false, 0f, resumed),
                resuming(checkpoints), 1, 2), data, new FaultInjection(0, firstStepOfEpoch2 + 3, 100)));
        assertFalse(Files.exists(resumed));
        // The state of clnn train --checkpoint-dir: after epoch 1 (10 steps), weights and momentum, self-checking.
        List<Path> states = new StateDirectory(checkpoints, 3).states();
        assertEquals(List.of(checkpoints.resolve("state-000000000010.safetensors")), states);
        TrainingState after1 = StateFile.read(states.get(0));
        assertEquals(2, after1.position().epoch());
        assertTrue(after1.momentum().containsKey("0.weight"), after1.momentum().keySet().toString());
        spark(new SparkTrainOptions(options(2, 64, false, 0f, resumed), resuming(checkpoints), 1, 2), data,
                FaultInjection.NONE);
        assertSameWeights(clean, resumed);
        assertEquals(3, StateFile.read(new StateDirectory(checkpoints, 3).states().get(0)).position().epoch());
    }

    /** A DataFrame of (features array<float>, label int) gives the samples of the data set, in order. */
    @Test
    void aDataFrameOfFeaturesAndLabelsGivesTheSamplesInOrder() {
        Dataset data = first(mnist.train(), 5);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.n(); i++) {
            List<Float> features = new ArrayList<>();
            for (int f = 0; f < data.features(); f++) {
                features.add(data.x()[i * data.features() + f]);
            }
            rows.add(RowFactory.create(features, data.y()[i]));
        }
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.IntegerType);
        SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
        List<Sample> samples = Samples.fromDataFrame(session.createDataFrame(rows, schema)).collect();
        assertEquals(data.n(), samples.size());
        for (int i = 0; i < data.n(); i++) {
            assertArrayEquals(Arrays.copyOfRange(data.x(), i * data.features(), (i + 1) * data.features()),
                    samples.get(i).features(), "sample " + i);
            assertEquals(data.y()[i], samples.get(i).label(), "label " + i);
        }
    }

    /** A DataFrame of (features, target), both arrays of double, gives samples with float targets and no label. */
    @Test
    void aDataFrameWithATargetColumnGivesFloatTargets() {
        List<Row> rows = List.of(RowFactory.create(List.of(1.0, 2.0), List.of(0.5, -1.5)),
                RowFactory.create(List.of(3.0, 4.0), List.of(2.5, 0.0)));
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("target", DataTypes.createArrayType(DataTypes.DoubleType));
        SparkSession session = SparkSession.builder().sparkContext(spark.sc()).getOrCreate();
        List<Sample> samples = Samples.fromDataFrame(session.createDataFrame(rows, schema)).collect();
        assertEquals(2, samples.size());
        assertArrayEquals(new float[] {3, 4}, samples.get(1).features());
        assertArrayEquals(new float[] {2.5f, 0}, samples.get(1).targets());
        assertFalse(samples.get(1).hasLabel());
    }

    private static TrainOptions options(int epochs, int batch, boolean nesterov, float weightDecay, Path save) {
        return TrainOptions.builder().model("mlp").epochs(epochs).batch(batch).nesterov(nesterov)
                .weightDecay(weightDecay).seed(1).save(save).quiet(true).build();
    }

    private static CheckpointOptions resuming(Path dir) {
        return new CheckpointOptions(dir, 0, CheckpointOptions.DEFAULT_KEEP, true);
    }

    private static TrainOptions withSave(TrainOptions o, Path save) {
        return o.toBuilder().save(save).build();
    }

    /**
     * Trains {@code o} on one device and on Spark with K = 1 over 3 replicas, checks that each weight tensor agrees
     * within {@link #K1_TOLERANCE} (relative L2), and returns both evaluations, single-device first.
     */
    private static Evaluation[] singleAndK1(TrainOptions o, DatasetSplit data, Path dir) {
        Path singleWeights = dir.resolve("single.safetensors");
        Path sparkWeights = dir.resolve("spark.safetensors");
        Evaluation single = single(withSave(o, singleWeights), data);
        Evaluation distributed = spark(new SparkTrainOptions(withSave(o, sparkWeights), CheckpointOptions.none(), 1,
                3), data, FaultInjection.NONE);
        Map<String, TensorEntry> a = Safetensors.read(singleWeights).tensors();
        Map<String, TensorEntry> b = Safetensors.read(sparkWeights).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            double rel = relativeDifference(a.get(name).toFloats(), b.get(name).toFloats());
            assertTrue(rel <= K1_TOLERANCE, name + ": relative L2 difference " + rel + " > " + K1_TOLERANCE);
        }
        return new Evaluation[] {single, distributed};
    }

    /**
     * A seeded regression table: 6 standard normal features and two targets of order 1, a linear one and a bent one,
     * each with a little noise.
     */
    private static DatasetSplit regressionTable(int train, int test) {
        Random random = new Random(7);
        Dataset[] sets = new Dataset[2];
        for (int s = 0; s < 2; s++) {
            int n = s == 0 ? train : test;
            float[] x = normal(random, n * 6);
            float[] t = new float[n * 2];
            for (int i = 0; i < n; i++) {
                double linear = 0;
                double bent = 0;
                for (int f = 0; f < 6; f++) {
                    linear += (f - 2.5) / 4 * x[i * 6 + f];
                    bent += (f % 2 == 0 ? 0.5 : -0.3) * x[i * 6 + f];
                }
                t[i * 2] = (float) (linear + 0.05 * random.nextGaussian());
                t[i * 2 + 1] = (float) (Math.tanh(bent) + 0.05 * random.nextGaussian());
            }
            sets[s] = Dataset.regression(x, t, n, new int[] {6}, 2);
        }
        return new DatasetSplit(sets[0], sets[1]);
    }

    /** A seeded table of 8 standard normal features whose soft targets are a fixed linear teacher's softmax. */
    private static DatasetSplit softTargetTable(int train, int test) {
        Random random = new Random(11);
        float[] teacher = normal(random, 3 * 8);
        Dataset[] sets = new Dataset[2];
        for (int s = 0; s < 2; s++) {
            int n = s == 0 ? train : test;
            float[] x = normal(random, n * 8);
            float[] p = new float[n * 3];
            for (int i = 0; i < n; i++) {
                double[] e = new double[3];
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    double logit = 0;
                    for (int f = 0; f < 8; f++) {
                        logit += teacher[c * 8 + f] * x[i * 8 + f];
                    }
                    e[c] = Math.exp(logit / 2);
                    sum += e[c];
                }
                for (int c = 0; c < 3; c++) {
                    p[i * 3 + c] = (float) (e[c] / sum);
                }
            }
            sets[s] = Dataset.softTargets(x, p, n, new int[] {8}, 3);
        }
        return new DatasetSplit(sets[0], sets[1]);
    }

    private static float[] normal(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static Evaluation single(TrainOptions o, DatasetSplit data) {
        try (Backend backend = Backends.open()) {
            return new Trainer(backend, o, QUIET, false).run(data);
        }
    }

    /** As {@link #spark}, with the driver and every replica on the CPU reference (a model of the test's own). */
    private static Evaluation onCpu(SparkTrainOptions o, DatasetSplit data, FaultInjection fault) {
        String was = System.getProperty("clnn.device");
        System.setProperty("clnn.device", "cpu");
        try (Backend driver = new CpuBackend()) {
            return new SparkTrainer(spark, o, driver, QUIET).inject(fault).run(Samples.of(spark, data.train(), 3),
                    data.train().sampleShape(), data.test());
        } finally {
            if (was == null) {
                System.clearProperty("clnn.device");
            } else {
                System.setProperty("clnn.device", was);
            }
        }
    }

    private static Evaluation spark(SparkTrainOptions o, DatasetSplit data, FaultInjection fault) {
        try (Backend backend = Backends.open()) {
            return new SparkTrainer(spark, o, backend, QUIET).inject(fault)
                    .run(Samples.of(spark, data.train(), 3), data.train().sampleShape(), data.test());
        }
    }

    /** The first n samples of a data set. */
    private static Dataset first(Dataset d, int n) {
        return new Dataset(Arrays.copyOf(d.x(), n * d.features()), Arrays.copyOf(d.y(), n), n, d.sampleShape(),
                d.classes());
    }

    /** Every tensor of two weight files equal bit for bit (counts as longs). */
    static void assertSameWeights(Path expected, Path actual) {
        Map<String, TensorEntry> a = Safetensors.read(expected).tensors();
        Map<String, TensorEntry> b = Safetensors.read(actual).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            if (a.get(name).dtype() == SafetensorsDtype.I64) { // a count: batch norm's num_batches_tracked
                assertArrayEquals(a.get(name).longs(), b.get(name).longs(), name);
            } else {
                assertArrayEquals(a.get(name).toFloats(), b.get(name).toFloats(), name);
            }
        }
    }

    /** ‖actual − expected‖₂ / ‖expected‖₂. */
    static double relativeDifference(float[] expected, float[] actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += Math.pow((double) expected[i] - actual[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
    }
}
