package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.train.EpochLoop;
import dev.clnn.train.Evaluation;
import dev.clnn.train.RunSettings;
import dev.clnn.train.StopRequest;
import dev.clnn.train.TestSet;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingData;
import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training on Spark with any of the core's losses ({@link TrainOptions#loss()}: the
 * replicas train on the samples' labels or float targets, whichever it takes): the core's epoch loop
 * ({@link EpochLoop}: progress, epoch lines, evaluation after each epoch (on the driver's device, or on the
 * executors for a table they read), metrics, plot,
 * training states, the final test figures as the last lines) over rounds of K global batches, each one Spark job
 * ({@link SparkRounds}). With K = 1 that is single-device training up to fp32 rounding. A run told to resume from a
 * folder that holds no state yet starts afresh, so a job can be submitted again as it is.
 */
public final class SparkTrainer {
    private final JavaSparkContext spark;
    private final SparkTrainOptions options;
    private final Backend backend;
    private final PrintStream out;
    private FaultInjection fault = FaultInjection.NONE;

    /**
     * @param backend the driver's device, for evaluation and saving; the executors open their own
     */
    public SparkTrainer(JavaSparkContext spark, SparkTrainOptions options, Backend backend, PrintStream out) {
        this.spark = spark;
        this.options = options;
        this.backend = backend;
        this.out = out;
    }

    /** Tests only: fail the first attempts of one task (see {@link FaultInjection}). */
    SparkTrainer inject(FaultInjection fault) {
        this.fault = fault;
        return this;
    }

    /**
     * As {@code clnn train}'s {@code Trainer.run(TrainingData)}: trains on {@code data}'s training set, cut into the
     * run's partitions, tests on its test set, and saves its metadata and extra tensors (the standardization) with
     * the weights.
     *
     * @throws IllegalArgumentException when the data does not suit the run's loss
     */
    public Evaluation run(TrainingData data) {
        DatasetSplit split = data.split();
        Dataset train = split.train();
        options.train().loss().requireFits(train, "the training set");
        int slices = options.partitions() > 0 ? options.partitions() : spark.defaultParallelism();
        return run(Samples.of(spark, train, slices), train.sampleShape(), split.test(), RunSettings.dataDigest(split),
                data.metadata(), data.tensors());
    }

    /** As {@link #run(JavaRDD, int[], Dataset, String)} with training states that do not compare the data. */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test) {
        return run(train, sampleShape, test, null);
    }

    /** As {@link #run(JavaRDD, int[], Dataset, String, Map, Map)} with nothing saved beside the weights. */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test, String dataDigest) {
        return run(train, sampleShape, test, dataDigest, Map.of(), Map.of());
    }

    /**
     * Trains on {@code train}, evaluates on {@code test} after each epoch, saves when asked, and returns the final
     * evaluation.
     *
     * @param train       the training samples, each with what the run's loss compares the outputs with (a label for
     *                    ce, float targets for mse and kl); their order (as {@code zipWithIndex} numbers them) is the
     *                    data set's
     * @param sampleShape the shape of one sample, e.g. {1, 28, 28}
     * @param dataDigest  the data's identity in training states (a resumed run must have the same), or null
     * @param metadata    safetensors metadata saved with the weights (as {@link TrainingData#metadata()})
     * @param tensors     extra tensors saved with the weights (as {@link TrainingData#tensors()})
     * @throws IllegalArgumentException when the samples or the test set do not suit the run's loss
     */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test, String dataDigest,
            Map<String, String> metadata, Map<String, float[]> tensors) {
        options.train().loss().requireFits(test, "the test set");
        return run(train, sampleShape, TestSet.of(test), test.classes(), dataDigest, metadata, tensors);
    }

    /**
     * As {@code clnn train} on a table that Spark reads on the executors ({@link ExecutorData}): trains on its
     * training rows and evaluates its test rows on the executors after each epoch.
     */
    Evaluation run(ExecutorData data) {
        return run(data.train(), data.sampleShape(), data.test(), data.outputs(), data.digest(), data.metadata(),
                data.tensors());
    }

    /**
     * As {@link #run(JavaRDD, int[], Dataset, String, Map, Map)} with a test set evaluated wherever it says: on the
     * driver's device ({@link TestSet#of}) or on the executors, where only its figures come back.
     *
     * @param outputs the classes (ce, kl) or targets per sample (mse) the model must output
     */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, TestSet test, int outputs, String dataDigest,
            Map<String, String> metadata, Map<String, float[]> tensors) {
        TrainOptions o = options.train();
        JavaPairRDD<Sample, Long> indexed = train.zipWithIndex().persist(StorageLevel.MEMORY_ONLY());
        try {
            // One pass that counts the samples and sees what they hold.
            SampleCounts counts = indexed.keys().map(SampleCounts::of).fold(SampleCounts.NONE, SampleCounts::plus);
            counts.requireFits(o.loss(), outputs);
            int n = Math.toIntExact(counts.rows());
            int partitions = options.partitions() > 0 ? options.partitions() : spark.defaultParallelism();
            EpochPlan plan = new EpochPlan(n, o.batch(), partitions);
            long totalSteps = (long) plan.batchCount() * o.epochs();
            // A resubmitted job passes its resume folder before any state exists.
            EpochLoop loop = new EpochLoop(o, options.checkpoints().resumingOnlyFromAState(), new StopRequest(), out,
                    false);
            return loop.run(new EpochLoop.Data(n, sampleShape, outputs, test, () -> dataDigest, metadata,
                    tensors), (input, schedule) -> new SparkRounds(spark, backend, o, indexed, plan, sampleShape,
                            TrainingSetup.of(o, input, totalSteps), schedule, options.localSteps(), fault));
        } finally {
            indexed.unpersist(false);
        }
    }
}
