package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.data.Dataset;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.TrainOptions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel SGD on Spark. Each epoch the samples are laid out by {@link EpochShards} so partition p
 * holds its shard of every global batch of {@code clnn train}'s seeded order; then each round (K global batches) is
 * one Spark job: the driver broadcasts the weights and momentum buffers, every partition's task takes K local steps
 * on its shards ({@link RoundTask}), and the driver averages the results in partition order weighted by rows
 * ({@link Averager}). With K = 1 that is single-device training up to fp32 rounding. The driver evaluates on the
 * test set after each epoch (on its own device) and prints the lines {@code clnn train} prints, the last one
 * {@code test accuracy NN.NN%}.
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
     * Trains on {@code train}, evaluates on {@code test} after each epoch, saves when asked, and returns the final
     * evaluation.
     *
     * @param train       the training samples; their order (as {@code zipWithIndex} numbers them) is the data set's
     * @param sampleShape the shape of one sample, e.g. {1, 28, 28}
     */
    public Evaluation run(JavaRDD<Sample> train, int[] sampleShape, Dataset test) {
        TrainOptions o = options.train();
        int[] input = Models.inputShape(o.model(), sampleShape);
        int features = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        JavaPairRDD<Sample, Long> indexed = train.zipWithIndex().persist(StorageLevel.MEMORY_ONLY());
        try (Sequential model = Models.build(backend, o.model(), o.seed())) {
            int classes = model.outputShape(Models.batchShape(1, input))[1];
            if (classes < test.classes()) {
                throw new IllegalArgumentException("the model gives " + classes + " scores but the data has "
                        + test.classes() + " classes");
            }
            int n = Math.toIntExact(indexed.count());
            int partitions = options.partitions() > 0 ? options.partitions() : spark.defaultParallelism();
            EpochPlan plan = new EpochPlan(n, o.batch(), partitions);
            long totalSteps = (long) plan.batchCount() * o.epochs();
            TrainingSetup setup = new TrainingSetup(o.model().text(), input, o.schedule(), o.lr(), totalSteps,
                    o.warmup(), o.momentum(), o.nesterov(), o.weightDecay());
            LrSchedule schedule = setup.lrSchedule();
            Map<String, String> run = Map.of("model", o.model().text(), "seed", Long.toString(o.seed()), "batch",
                    Integer.toString(o.batch()));

            ReplicaState state = new ReplicaState(read(model), null);
            int firstEpoch = 1;
            if (options.resume()) {
                TrainingCheckpoint.Saved saved = TrainingCheckpoint.load(options.checkpointDir(), model, run,
                        out::println);
                if (saved != null) {
                    state = saved.state();
                    firstEpoch = saved.epoch() + 1;
                    say("resuming after epoch %d from %s", saved.epoch(), saved.file());
                }
            }
            say("training %s on Spark %s, %d replicas, %d local step%s per round: %d train / %d test samples, %d"
                    + " epochs, global batch %d, %s", o.model().text(), spark.master(), partitions,
                    options.localSteps(), options.localSteps() == 1 ? "" : "s", n, test.n(), o.epochs(), o.batch(),
                    schedule);
            Evaluation result = null;
            TreeSet<String> devices = new TreeSet<>();
            for (int epoch = firstEpoch; epoch <= o.epochs(); epoch++) {
                long start = System.nanoTime();
                JavaRDD<Shard> shards = EpochShards.of(indexed, plan, o.seed(), epoch, features)
                        .persist(StorageLevel.MEMORY_ONLY());
                double lossSum = 0;
                long seen = 0;
                for (int b = 0; b < plan.batchCount(); b += options.localSteps()) {
                    Round round = new Round(epoch, b, Math.min(options.localSteps(), plan.batchCount() - b),
                            (long) (epoch - 1) * plan.batchCount() + b);
                    Broadcast<ReplicaState> sent = spark.broadcast(state);
                    List<ReplicaResult> results = shards.mapPartitionsWithIndex(
                            new RoundTask(setup, sent, round, fault), true).collect();
                    sent.destroy();
                    state = Averager.average(results);
                    for (ReplicaResult r : results) {
                        lossSum += r.lossSum();
                        seen += r.rows();
                        devices.add(r.device());
                    }
                    if (!Double.isFinite(lossSum) && o.stopOnNonFinite()) {
                        throw new IllegalStateException("loss became " + lossSum + " in the round of steps "
                                + round.firstStep() + ".." + (round.firstStep() + round.steps() - 1) + " (epoch "
                                + epoch + "); lower --lr or check the data");
                    }
                }
                shards.unpersist(false);
                double rate = seen / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                write(model, state);
                result = Evaluator.evaluate(backend, model, test, input, Math.max(o.batch(), 256));
                if (options.checkpointDir() != null) {
                    TrainingCheckpoint.save(options.checkpointDir(), epoch, plan.batchCount(), state, model, run);
                }
                say("epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f%%  lr %.5f  %.0f samples/s"
                        + "  (replicas on %s)", epoch, o.epochs(), lossSum / seen, result.loss(),
                        100 * result.accuracy(), schedule.lr((long) epoch * plan.batchCount() - 1), rate,
                        String.join(", ", devices));
            }
            if (result == null) {
                write(model, state);
                result = Evaluator.evaluate(backend, model, test, input, Math.max(o.batch(), 256));
            }
            if (o.save() != null) {
                Checkpoint.save(o.save(), model, backend, Map.of("model", o.model().text(), "format", "pt"));
                say("saved %s", o.save());
            }
            out.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100 * result.accuracy());
            return result;
        } finally {
            indexed.unpersist(false);
        }
    }

    private void say(String format, Object... args) {
        if (!options.train().quiet()) {
            out.println(String.format(Locale.ROOT, format, args));
        }
    }

    private float[][] read(Sequential model) {
        List<Param> params = model.params();
        float[][] weights = new float[params.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.readFloats(params.get(i).value());
        }
        return weights;
    }

    private void write(Sequential model, ReplicaState state) {
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).value(), state.weights()[i]);
        }
    }
}
