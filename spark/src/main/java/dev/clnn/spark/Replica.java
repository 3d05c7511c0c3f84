package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.nn.Param;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.BatchUploader;
import dev.clnn.train.ModelStep;
import dev.clnn.train.StepParts;
import java.util.List;

/**
 * One model on one executor's device ({@code CLNN_DEVICE} or the {@code clnn.device} property there, else auto: an
 * OpenCL device, else the CPU reference) in the core's one training step ({@link ModelStep}), opened as
 * {@code clnn train} opens it ({@link StepParts}: the run's loss and optimiser, the batches' device buffers). A round
 * loads the broadcast state into it, runs the local steps on the task's shard against the labels or the float targets
 * (whichever the loss takes), and reads the state back; nothing carries over between rounds but the open device, its
 * compiled kernels and the batch buffers.
 */
final class Replica implements AutoCloseable {
    private final String key;
    private final Backend backend;
    private final RoundSchedule schedule;
    private final StepParts parts;

    private Replica(String key, Backend backend, TrainingSetup setup) {
        this.key = key;
        this.backend = backend;
        this.schedule = new RoundSchedule(setup.lrSchedule());
        // The initial weights do not matter: every round overwrites them with the broadcast ones.
        this.parts = StepParts.open(backend, setup.options(), setup.inputShape(), schedule);
    }

    static Replica open(TrainingSetup setup) {
        Backend backend = Backends.open();
        try {
            return new Replica(setup.key(), backend, setup);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The {@link TrainingSetup#key} of the runs this replica can serve. */
    String key() {
        return key;
    }

    /**
     * Runs the round's steps on this partition's shard, starting from {@code start}: the training step of
     * {@code clnn train}, at the learning rate of each step's global index. A batch in which this shard has no rows
     * is skipped.
     */
    ReplicaResult train(ReplicaState start, Shard shard, Round round) {
        ModelStep step = parts.step();
        List<Param> params = step.model().params();
        long[] globalStep = new long[round.steps()];
        int taken = 0;
        for (int j = 0; j < round.steps(); j++) {
            if (shard.rows(round.firstBatch() + j) > 0) {
                globalStep[taken++] = round.firstStep() + j;
            }
        }
        double[] stepLossSums = new double[round.steps()];
        int[] stepRows = new int[round.steps()];
        if (taken == 0) {
            return new ReplicaResult(shard.partition(), stepRows, stepLossSums, null, backend.name());
        }
        requireTargets(shard);
        schedule.startRound(globalStep);
        parts.restore(start.weights(), 0, start.momentum() != null ? start.momentum() : new float[params.size()][]);
        start.buffers().writeInto(step.model());
        for (int j = 0; j < round.steps(); j++) {
            int b = round.firstBatch() + j;
            int n = shard.rows(b);
            if (n == 0) {
                continue;
            }
            BatchUploader.DeviceBatch batch = upload(shard, b, n);
            // The training step at the run's step index and the shard's rows, so dropout draws as one device would.
            step.computeGradients(batch.x(), batch.target(parts.loss()), false, round.firstStep() + j,
                    shard.firstRow(b));
            step.update();
            stepLossSums[j] = (double) step.readLoss() * n;
            stepRows[j] = n;
        }
        float[][] weights = readWeights();
        float[][] momentum = step.optimizer().state();
        boolean any = false;
        for (float[] m : momentum) {
            any |= m != null;
        }
        return new ReplicaResult(shard.partition(), stepRows, stepLossSums,
                new ReplicaState(weights, any ? momentum : null, ModelBuffers.of(step.model())), backend.name());
    }

    /**
     * The gradients of this shard's mean loss in the round's one batch at the broadcast weights, for the driver to
     * sum as the devices of one process do ({@link SparkRounds}); the replica's own optimiser does not step.
     */
    ReplicaResult gradients(ReplicaState start, Shard shard, Round round) {
        int b = round.firstBatch();
        int n = shard.rows(b);
        if (n == 0) {
            return new ReplicaResult(shard.partition(), new int[1], new double[1], null, null, backend.name());
        }
        requireTargets(shard);
        ModelStep step = parts.step();
        List<Param> params = step.model().params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).value(), start.weights()[i]);
        }
        start.buffers().writeInto(step.model());
        BatchUploader.DeviceBatch batch = upload(shard, b, n);
        // Dropout draws what one device draws for these rows: the run's step and the shard's first row of the batch.
        step.computeGradients(batch.x(), batch.target(parts.loss()), false, round.firstStep(), shard.firstRow(b));
        float[][] gradients = new float[params.size()][];
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = backend.readFloats(params.get(i).grad());
        }
        // Batch norm updated the running statistics from this shard's rows; the driver averages them.
        return new ReplicaResult(shard.partition(), new int[] {n}, new double[] {(double) step.readLoss() * n},
                new ReplicaState(null, null, ModelBuffers.of(step.model())), gradients, backend.name());
    }

    /**
     * A barrier segment on this partition's shard, from the broadcast start: with K = 1 each step computes the
     * shard's gradients at the current weights, exchanges them with every task, sums them as the driver of a round of
     * jobs would ({@link GradientSum}) and takes the run's optimiser step on this replica, so every replica (and the
     * driver, which gets partition 0's state at the end) holds the weights of {@code clnn train --devices}; with
     * K &gt; 1 each round of local steps ends with the exchange of the replicas' states and their average
     * ({@link Averager}), as the driver would compute it. Partition 0 returns the final state.
     */
    SegmentResult segment(BarrierExchange exchange, SegmentStart start, Shard shard, Segment segment,
            FaultInjection fault) {
        int[] stepRows = new int[segment.steps()];
        double[] stepLossSums = new double[segment.steps()];
        ReplicaState end = segment.localSteps() == 1
                ? stepEach(exchange, start, shard, segment, fault, stepRows, stepLossSums)
                : averageEachRound(exchange, start, shard, segment, fault, stepRows, stepLossSums);
        return new SegmentResult(shard.partition(), stepRows, stepLossSums, shard.partition() == 0 ? end : null,
                backend.name());
    }

    private ReplicaState stepEach(BarrierExchange exchange, SegmentStart start, Shard shard, Segment segment,
            FaultInjection fault, int[] stepRows, double[] stepLossSums) {
        ModelStep step = parts.step();
        List<Param> params = step.model().params();
        if (shard.offsets()[shard.offsets().length - 1] > 0) {
            requireTargets(shard); // a partition without rows this epoch has no targets to check
        }
        schedule.followRun();
        parts.restore(start.state().weights(), start.optimizerSteps(), start.state().momentum() != null
                ? start.state().momentum() : new float[params.size()][]);
        start.state().buffers().writeInto(step.model());
        for (int j = 0; j < segment.steps(); j++) {
            int b = segment.firstBatch() + j;
            long runStep = segment.firstStep() + j;
            ReplicaResult mine = gradientsAtCurrentWeights(shard, b, runStep);
            fault.afterRound(shard.partition(), runStep, segment.attempt());
            List<ReplicaResult> all = exchange.allGather(mine, runStep);
            float[][] sum = GradientSum.of(all);
            for (int i = 0; i < params.size(); i++) {
                backend.write(params.get(i).grad(), sum[i]);
            }
            step.update();
            ModelBuffers.average(all, r -> r.state().buffers()).writeInto(step.model());
            for (ReplicaResult r : all) {
                stepRows[j] += r.stepRows()[0];
                stepLossSums[j] += r.stepLossSums()[0];
            }
        }
        return new ReplicaState(readWeights(), step.optimizer().state(), ModelBuffers.of(step.model()));
    }

    private ReplicaState averageEachRound(BarrierExchange exchange, SegmentStart start, Shard shard,
            Segment segment, FaultInjection fault, int[] stepRows, double[] stepLossSums) {
        ReplicaState state = start.state();
        for (int done = 0; done < segment.steps(); ) {
            int steps = Math.min(segment.localSteps(), segment.steps() - done);
            Round round = new Round(segment.epoch(), segment.firstBatch() + done, steps, segment.firstStep() + done,
                    false);
            ReplicaResult mine = train(state, shard, round);
            fault.afterRound(shard.partition(), round.firstStep(), segment.attempt());
            List<ReplicaResult> all = exchange.allGather(mine, round.firstStep());
            state = Averager.average(all);
            for (ReplicaResult r : all) {
                for (int j = 0; j < steps; j++) {
                    stepRows[done + j] += r.stepRows()[j];
                    stepLossSums[done + j] += r.stepLossSums()[j];
                }
            }
            done += steps;
        }
        return state;
    }

    /** This shard's gradients of batch b at the replica's current weights (none when it has no rows there). */
    private ReplicaResult gradientsAtCurrentWeights(Shard shard, int b, long runStep) {
        int n = shard.rows(b);
        if (n == 0) {
            return new ReplicaResult(shard.partition(), new int[1], new double[1], null, null, backend.name());
        }
        ModelStep step = parts.step();
        BatchUploader.DeviceBatch batch = upload(shard, b, n);
        step.computeGradients(batch.x(), batch.target(parts.loss()), false, runStep, shard.firstRow(b));
        List<Param> params = step.model().params();
        float[][] gradients = new float[params.size()][];
        for (int i = 0; i < gradients.length; i++) {
            gradients[i] = backend.readFloats(params.get(i).grad());
        }
        return new ReplicaResult(shard.partition(), new int[] {n}, new double[] {(double) step.readLoss() * n},
                new ReplicaState(null, null, ModelBuffers.of(step.model())), gradients, backend.name());
    }

    private float[][] readWeights() {
        List<Param> params = parts.step().model().params();
        float[][] weights = new float[params.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.readFloats(params.get(i).value());
        }
        return weights;
    }

    /** Only what the loss compares with: the same buffers every round, whichever samples the run has. */
    private BatchUploader.DeviceBatch upload(Shard shard, int b, int n) {
        return parts.loss().floatTargets() ? parts.uploader().upload(shard.x(b), null, shard.targets(b), n)
                : parts.uploader().upload(shard.x(b), shard.y(b), null, n);
    }

    private void requireTargets(Shard shard) {
        boolean floats = parts.loss().floatTargets();
        if (floats ? shard.targets() == null : shard.y() == null) {
            throw new IllegalArgumentException("--loss " + parts.loss().text() + " needs "
                    + (floats ? "float targets" : "class labels") + " but the samples of partition "
                    + shard.partition() + " have none");
        }
    }

    @Override
    public void close() {
        try (backend; parts) {
            // closes both, the backend last
        }
    }

    /**
     * The run's schedule seen from one round: the optimiser counts the round's steps from 0, and local step t is the
     * run's step {@code globalStep[t]} (the batches where this shard has no rows are left out).
     */
    private static final class RoundSchedule implements LrSchedule {
        private final LrSchedule run;
        private long[] globalStep = new long[0]; // null: the optimiser counts the run's steps itself

        RoundSchedule(LrSchedule run) {
            this.run = run;
        }

        void startRound(long[] globalStep) {
            this.globalStep = globalStep;
        }

        /** For a segment of K = 1, whose optimiser is restored with the run's step count. */
        void followRun() {
            this.globalStep = null;
        }

        @Override
        public double lr(long t) {
            return globalStep == null ? run.lr(t) : run.lr(globalStep[Math.toIntExact(t)]);
        }
    }
}
