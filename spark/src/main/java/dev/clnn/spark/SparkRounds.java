package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.ModelStep;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainingRounds;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The rounds of a run on Spark, for the core's epoch loop, synchronised in one of two ways ({@link Sync}).
 *
 * <p><b>Barrier segments.</b> One Spark job (a barrier stage: every partition's task runs at once) takes every step up
 * to the loop's next evaluation or training state, at most {@link #SEGMENT_STEPS}. The driver broadcasts the weights,
 * buffers and optimiser state once; the tasks keep them on their executors and exchange each round's results among
 * themselves ({@link BarrierExchange}): with K = 1 every task sums the step's gradients in partition order exactly as
 * the driver of a round of jobs would ({@link GradientSum}) and takes the run's optimiser step on its replica; with
 * K &gt; 1 every task averages the replicas' states ({@link Averager}). Partition 0 returns the final state, which the
 * driver loads. A failed task fails the stage; the driver then runs the segment again from the same start, up to
 * {@code spark.task.maxFailures} times, with the same result.
 *
 * <p><b>One job per round.</b> The driver broadcasts the weights (and with K &gt; 1 the momentum buffers), every
 * partition's task works on its shards ({@link RoundTask}) and returns its gradients (K = 1: the driver sums them and
 * steps its own model) or its state after K local steps (the driver averages them). Spark retries a failed task.
 *
 * <p>Either way K = 1 is the step of {@code clnn train --devices} for any optimiser, and the loop evaluates and saves
 * the driver's model. The samples of each epoch are laid out once ({@link EpochShards}) so partition p holds its
 * shard of every global batch of {@code clnn train}'s seeded order; with {@link Shuffle#LOCAL} only the first
 * epoch's layout crosses the network and later epochs shuffle each partition's rows in place.
 */
final class SparkRounds implements TrainingRounds {
    /** The most steps one barrier job takes, so that progress is reported and a failure redoes little. */
    static final int SEGMENT_STEPS = 500;

    private final JavaSparkContext spark;
    private final Backend backend;
    private final Sequential model;
    private final ModelStep driver; // the driver's model with the run's optimiser: it takes every K = 1 step
    private final JavaPairRDD<Sample, Long> indexed;
    private final EpochPlan plan;
    private final TrainingSetup setup;
    private final LrSchedule schedule;
    private final int localSteps;
    private final boolean barrier;
    private final Shuffle shuffle;
    private final int features;
    private final long seed;
    private final FaultInjection fault;
    private final TreeSet<String> devices = new TreeSet<>();
    private ReplicaState state;
    private long steps;
    private JavaRDD<Shard> firstLayout; // Shuffle.LOCAL: epoch 1's layout, which later epochs reshuffle in place
    private JavaRDD<Shard> shards; // of shardsEpoch, cached
    private int shardsEpoch;

    SparkRounds(JavaSparkContext spark, Backend backend, TrainOptions o, JavaPairRDD<Sample, Long> indexed,
            EpochPlan plan, int[] sampleShape, TrainingSetup setup, LrSchedule schedule, int localSteps,
            boolean barrier, Shuffle shuffle, FaultInjection fault) {
        this.spark = spark;
        this.backend = backend;
        this.indexed = indexed;
        this.plan = plan;
        this.setup = setup;
        this.schedule = schedule;
        this.localSteps = localSteps;
        this.barrier = barrier;
        this.shuffle = shuffle;
        this.features = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        this.seed = o.seed();
        this.fault = fault;
        this.model = Models.build(backend, o.model(), o.seed());
        this.driver = ModelStep.open(backend, model, o.loss().factory(), o.optimizer(), schedule);
        this.state = new ReplicaState(read(), null);
    }

    @Override
    public Sequential model() {
        return model;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public String description() {
        return "Spark " + spark.master() + " (" + plan.partitions() + " replicas, " + localSteps + " local step"
                + (localSteps == 1 ? "" : "s") + " per round, " + (barrier ? "barrier segments" : "a job per round")
                + ", " + shuffle.text() + " shuffle)";
    }

    @Override
    public int run(int epoch, int firstBatch, int maxSteps, StepListener listener) {
        return barrier ? runSegment(epoch, firstBatch, maxSteps, listener) : runRound(epoch, firstBatch, maxSteps,
                listener);
    }

    /** One barrier job over up to {@link #SEGMENT_STEPS} steps, run again from its start when it fails. */
    private int runSegment(int epoch, int firstBatch, int maxSteps, StepListener listener) {
        int count = Math.min(maxSteps, SEGMENT_STEPS);
        long firstStep = (long) (epoch - 1) * plan.batchCount() + firstBatch;
        // The buffers come from the driver's model, where a resumed state put them too.
        SegmentStart start = localSteps == 1
                ? new SegmentStart(new ReplicaState(state.weights(), driver.optimizer().state(),
                        ModelBuffers.of(model)), driver.optimizer().stepCount())
                : new SegmentStart(new ReplicaState(state.weights(), state.momentum(), ModelBuffers.of(model)), 0);
        int attempts = Math.max(1, spark.getConf().getInt("spark.task.maxFailures", 4));
        SegmentResult first = null;
        for (int attempt = 0; first == null; attempt++) {
            Segment segment = new Segment(epoch, firstBatch, count, firstStep, localSteps, attempt);
            Broadcast<SegmentStart> sent = spark.broadcast(start);
            try {
                List<SegmentResult> results = BarrierJob.map(shardsOf(epoch), new SegmentTask(setup, sent, segment,
                        fault), SegmentResult.class).collect();
                results.forEach(r -> devices.add(r.device()));
                first = results.stream().filter(r -> r.partition() == 0).findFirst().orElseThrow(
                        () -> new IllegalStateException("no result from partition 0 of " + results.size()));
            } catch (Exception e) {
                if (!(e instanceof SparkException) || attempt + 1 >= attempts) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                }
                System.err.println("clnn-spark: the steps from " + firstStep + " failed (attempt " + (attempt + 1)
                        + " of " + attempts + "), running them again: " + firstLine(e.getMessage()));
            } finally {
                sent.destroy();
            }
        }
        if (localSteps == 1) {
            state = new ReplicaState(first.state().weights(), null);
            write(state);
            first.state().buffers().writeInto(model);
            driver.optimizer().restore(driver.optimizer().stepCount() + count, first.state().momentum());
        } else {
            state = first.state();
            write(state);
        }
        for (int j = 0; j < count; j++) {
            steps++;
            listener.stepDone((float) (first.stepLossSums()[j] / first.stepRows()[j]), first.stepRows()[j],
                    (float) schedule.lr(firstStep + j), 0);
        }
        return count;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** One Spark job for one round: the weights broadcast, the results collected. */
    private int runRound(int epoch, int firstBatch, int maxSteps, StepListener listener) {
        Round round = new Round(epoch, firstBatch, Math.min(localSteps, maxSteps),
                (long) (epoch - 1) * plan.batchCount() + firstBatch, localSteps == 1);
        // The buffers come from the driver's model, where a resumed state put them too.
        Broadcast<ReplicaState> sent = spark.broadcast(new ReplicaState(state.weights(),
                round.gradientsOnly() ? null : state.momentum(), ModelBuffers.of(model)));
        List<ReplicaResult> results = shardsOf(epoch).mapPartitionsWithIndex(new RoundTask(setup, sent, round, fault),
                true).collect();
        sent.destroy();
        if (round.gradientsOnly()) {
            step(results);
        } else {
            state = Averager.average(results);
            write(state);
        }
        results.forEach(r -> devices.add(r.device()));
        for (int j = 0; j < round.steps(); j++) {
            double lossSum = 0;
            int rows = 0;
            for (ReplicaResult r : results) {
                lossSum += r.stepLossSums()[j];
                rows += r.stepRows()[j];
            }
            steps++;
            listener.stepDone((float) (lossSum / rows), rows, (float) schedule.lr(round.firstStep() + j),
                    0);
        }
        return round.steps();
    }

    /**
     * The epoch's layout of the samples over the partitions, made once per epoch and cached (on the executors' disks
     * where their memory is short, rather than laid out again).
     */
    private JavaRDD<Shard> shardsOf(int epoch) {
        if (shards == null || shardsEpoch != epoch) {
            unpersistShards();
            StorageLevel cached = StorageLevel.MEMORY_AND_DISK();
            if (shuffle == Shuffle.GLOBAL) {
                shards = EpochShards.of(indexed, plan, seed, epoch, features).persist(cached);
            } else {
                if (firstLayout == null) {
                    firstLayout = EpochShards.of(indexed, plan, seed, 1, features).persist(cached);
                }
                long s = seed;
                shards = epoch == 1 ? firstLayout
                        : firstLayout.map(shard -> shard.reshuffled(s, epoch)).persist(cached);
            }
            shardsEpoch = epoch;
        }
        return shards;
    }

    private void unpersistShards() {
        if (shards != null && shards != firstLayout) {
            shards.unpersist(false);
        }
        shards = null;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /**
     * The K = 1 step of a round of jobs: the partitions' gradients summed ({@link GradientSum}), then the run's
     * optimiser.
     */
    private void step(List<ReplicaResult> results) {
        float[][] sum = GradientSum.of(results);
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).grad(), sum[i]);
        }
        driver.update();
        state = new ReplicaState(read(), null);
        ModelBuffers.average(results, r -> r.state().buffers()).writeInto(model);
    }
    @Override
    public float[][] optimizerState() {
        if (localSteps == 1) {
            return driver.optimizer().state();
        }
        return state.momentum() != null ? state.momentum() : new float[state.weights().length][];
    }

    @Override
    public void restore(float[][] params, long steps, float[][] optimizerState) {
        boolean any = Arrays.stream(optimizerState).anyMatch(m -> m != null);
        state = new ReplicaState(params, any && localSteps > 1 ? optimizerState : null);
        write(state);
        if (localSteps == 1) {
            driver.optimizer().restore(steps, optimizerState);
        }
        this.steps = steps;
    }

    /** "  (replicas on …)": the devices the executors' replicas ran on. */
    @Override
    public String epochNote() {
        return "  (replicas on " + String.join(", ", devices) + ")";
    }

    @Override
    public void close() {
        unpersistShards();
        if (firstLayout != null) {
            firstLayout.unpersist(false);
        }
        driver.close(); // and with it the model
    }

    private float[][] read() {
        List<Param> params = model.params();
        float[][] weights = new float[params.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.readFloats(params.get(i).value());
        }
        return weights;
    }

    private void write(ReplicaState s) {
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).value(), s.weights()[i]);
        }
        if (s.buffers() != null) {
            s.buffers().writeInto(model);
        }
    }
}
