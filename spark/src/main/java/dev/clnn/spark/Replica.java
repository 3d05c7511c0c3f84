package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.Tensor;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.ModelStep;
import java.util.List;

/**
 * One model on one executor's device ({@code CLNN_DEVICE} or the {@code clnn.device} property there, else auto: an
 * OpenCL device, else the CPU reference) in the core's one training step ({@link ModelStep}). A round loads the
 * broadcast state into it, runs the local steps on the task's shard, and reads the state back; nothing carries over
 * between rounds but the open device and its compiled kernels.
 */
final class Replica implements AutoCloseable {
    private final String key;
    private final Backend backend;
    private final RoundSchedule schedule;
    private final ModelStep step;

    private Replica(String key, Backend backend, TrainingSetup setup) {
        this.key = key;
        this.backend = backend;
        this.schedule = new RoundSchedule(setup.lrSchedule());
        // The initial weights do not matter: every round overwrites them with the broadcast ones.
        this.step = ModelStep.open(backend, Models.build(backend, ModelSpec.parse(setup.model()), 0), setup.loss(),
                setup.optimizer(), schedule);
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
    ReplicaResult train(TrainingSetup setup, ReplicaState start, Shard shard, Round round) {
        List<Param> params = step.model().params();
        for (int i = 0; i < params.size(); i++) {
            backend.write(params.get(i).value(), start.weights()[i]);
        }
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
        schedule.startRound(globalStep);
        step.optimizer().restore(0, start.momentum() != null ? start.momentum() : new float[params.size()][]);
        for (int j = 0; j < round.steps(); j++) {
            int b = round.firstBatch() + j;
            int n = shard.rows(b);
            if (n == 0) {
                continue;
            }
            try (Tensor x = backend.fromArray(shard.x(b), Models.batchShape(n, setup.inputShape()));
                    Tensor y = backend.fromArray(shard.y(b), n)) {
                stepLossSums[j] = (double) step.step(x, y) * n;
            }
            stepRows[j] = n;
        }
        float[][] weights = new float[params.size()][];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = backend.readFloats(params.get(i).value());
        }
        float[][] momentum = step.optimizer().state();
        boolean any = false;
        for (float[] m : momentum) {
            any |= m != null;
        }
        return new ReplicaResult(shard.partition(), stepRows, stepLossSums,
                new ReplicaState(weights, any ? momentum : null), backend.name());
    }

    @Override
    public void close() {
        try (backend; step) {
            // closes both, the backend last
        }
    }

    /**
     * The run's schedule seen from one round: the optimiser counts the round's steps from 0, and local step t is the
     * run's step {@code globalStep[t]} (the batches where this shard has no rows are left out).
     */
    private static final class RoundSchedule implements LrSchedule {
        private final LrSchedule run;
        private long[] globalStep = new long[0];

        RoundSchedule(LrSchedule run) {
            this.run = run;
        }

        void startRound(long[] globalStep) {
            this.globalStep = globalStep;
        }

        @Override
        public double lr(long t) {
            return run.lr(globalStep[Math.toIntExact(t)]);
        }
    }
}
