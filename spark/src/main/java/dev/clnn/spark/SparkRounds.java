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
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The rounds of a run on Spark, for the core's epoch loop: each round (up to K global batches of an epoch) is one
 * Spark job. The driver broadcasts the weights, and with K &gt; 1 the momentum buffers; every partition's task works
 * on its shards ({@link RoundTask}). With K &gt; 1 each takes the round's local steps, and the driver averages the
 * results in partition order weighted by rows ({@link Averager}) and writes them into its own model (local SGD).
 * With K = 1 each returns its shard's gradients, and the driver sums them in partition order as the devices of one
 * process do (Σ w_p·g_p in float, w_p = shard rows / batch rows) and takes the optimiser's step on its own model: the
 * step of {@code clnn train --devices} for any optimiser, not only for SGD's affine update. The loop evaluates and
 * saves the driver's model. The samples of each
 * epoch are laid out once ({@link EpochShards}) so partition p holds its shard of every global batch of
 * {@code clnn train}'s seeded order.
 */
final class SparkRounds implements TrainingRounds {
    private final JavaSparkContext spark;
    private final Backend backend;
    private final Sequential model;
    private final ModelStep driver; // the driver's model with the run's optimiser: it takes every K = 1 step
    private final JavaPairRDD<Sample, Long> indexed;
    private final EpochPlan plan;
    private final TrainingSetup setup;
    private final LrSchedule schedule;
    private final int localSteps;
    private final int features;
    private final long seed;
    private final FaultInjection fault;
    private final TreeSet<String> devices = new TreeSet<>();
    private ReplicaState state;
    private long steps;
    private JavaRDD<Shard> shards; // of shardsEpoch, cached
    private int shardsEpoch;

    SparkRounds(JavaSparkContext spark, Backend backend, TrainOptions o, JavaPairRDD<Sample, Long> indexed,
            EpochPlan plan, int[] sampleShape, TrainingSetup setup, LrSchedule schedule, int localSteps,
            FaultInjection fault) {
        this.spark = spark;
        this.backend = backend;
        this.indexed = indexed;
        this.plan = plan;
        this.setup = setup;
        this.schedule = schedule;
        this.localSteps = localSteps;
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
                + (localSteps == 1 ? "" : "s") + " per round)";
    }

    @Override
    public int run(int epoch, int firstBatch, int maxSteps, StepListener listener) {
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

    /** The epoch's layout of the samples over the partitions, made once per epoch and cached. */
    private JavaRDD<Shard> shardsOf(int epoch) {
        if (shards == null || shardsEpoch != epoch) {
            unpersistShards();
            shards = EpochShards.of(indexed, plan, seed, epoch, features).persist(StorageLevel.MEMORY_ONLY());
            shardsEpoch = epoch;
        }
        return shards;
    }

    private void unpersistShards() {
        if (shards != null) {
            shards.unpersist(false);
            shards = null;
        }
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /**
     * The K = 1 step: the batch's gradient g = Σ_p w_p·g_p over the partitions with rows, in partition order and in
     * float (w_p first assigned, then added), as {@code clnn train --devices} sums its replicas', then the run's
     * optimiser on the driver's model.
     */
    private void step(List<ReplicaResult> results) {
        int batchRows = 0;
        for (ReplicaResult r : results) {
            batchRows += r.rows();
        }
        if (batchRows == 0) {
            throw new IllegalStateException("no partition had a row of this batch (" + results.size() + " results)");
        }
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) {
            float[] sum = null;
            for (ReplicaResult r : results) {
                if (r.rows() == 0) {
                    continue;
                }
                float w = (float) ((double) r.rows() / batchRows);
                float[] g = r.gradients()[i];
                if (sum == null) {
                    sum = new float[g.length];
                    for (int e = 0; e < g.length; e++) {
                        sum[e] = w * g[e];
                    }
                } else {
                    for (int e = 0; e < g.length; e++) {
                        sum[e] += w * g[e];
                    }
                }
            }
            backend.write(params.get(i).grad(), sum);
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
