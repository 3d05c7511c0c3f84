package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.train.EpochLoop;
import dev.clnn.train.Evaluation;
import dev.clnn.train.StopRequest;
import dev.clnn.train.TrainOptions;
import java.io.PrintStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training on Spark: the core's epoch loop ({@link EpochLoop}: progress, epoch lines,
 * evaluation on the driver's device after each epoch, metrics, plot, training states, the final test accuracy as the
 * last line) over rounds of K global batches, each one Spark job ({@link SparkRounds}). With K = 1 that is
 * single-device training up to fp32 rounding. A run told to resume from a folder that holds no state yet starts
 * afresh, so a job can be submitted again as it is.
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

    /** As {@link #run(JavaRDD, int[], Dataset, String)} with training states that do not compare the data. */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test) {
        return run(train, sampleShape, test, null);
    }

    /**
     * Trains on {@code train}, evaluates on {@code test} after each epoch, saves when asked, and returns the final
     * evaluation.
     *
     * @param train       the training samples; their order (as {@code zipWithIndex} numbers them) is the data set's
     * @param sampleShape the shape of one sample, e.g. {1, 28, 28}
     * @param dataDigest  the data's identity in training states (a resumed run must have the same), or null
     */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test, String dataDigest) {
        TrainOptions o = options.train();
        JavaPairRDD<Sample, Long> indexed = train.zipWithIndex().persist(StorageLevel.MEMORY_ONLY());
        try {
            int n = Math.toIntExact(indexed.count());
            int partitions = options.partitions() > 0 ? options.partitions() : spark.defaultParallelism();
            EpochPlan plan = new EpochPlan(n, o.batch(), partitions);
            long totalSteps = (long) plan.batchCount() * o.epochs();
            // A resubmitted job passes its resume folder before any state exists.
            EpochLoop loop = new EpochLoop(o, options.checkpoints().resumingOnlyFromAState(), new StopRequest(), out,
                    false);
            return loop.run(new EpochLoop.Data(n, sampleShape, test.classes(), test, () -> dataDigest),
                    (input, schedule) -> new SparkRounds(spark, backend, o, indexed, plan, sampleShape,
                            new TrainingSetup(o.model().text(), input, o.schedule(), o.lr(), totalSteps, o.warmup(),
                                    o.momentum(), o.nesterov(), o.weightDecay()),
                            schedule, options.localSteps(), fault));
        } finally {
            indexed.unpersist(false);
        }
    }
}
