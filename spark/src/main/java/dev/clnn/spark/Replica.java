package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.Tensor;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.util.List;

/**
 * One model on one executor's device ({@code CLNN_DEVICE} or the {@code clnn.device} property there, else auto: an
 * OpenCL device, else the CPU reference). A round loads the broadcast state into it, runs the local steps on the
 * task's shard, and reads the state back; nothing carries over between rounds but the open device and its
 * compiled kernels.
 */
final class Replica implements AutoCloseable {
    private final String model;
    private final Backend backend;
    private final Sequential network;
    private final SoftmaxCrossEntropy xent;

    private Replica(String model, Backend backend) {
        this.model = model;
        this.backend = backend;
        // The initial weights do not matter: every round overwrites them with the broadcast ones.
        this.network = Models.build(backend, ModelSpec.parse(model), 0);
        this.xent = new SoftmaxCrossEntropy(backend);
    }

    static Replica open(String model) {
        Backend backend = Backends.open();
        try {
            return new Replica(model, backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    String model() {
        return model;
    }

    /**
     * Runs the round's steps on this partition's shard, starting from {@code start}: the same forward, backward and
     * SGD update as {@code clnn train}, at the learning rate of each step's global index. A batch in which this shard
     * has no rows is skipped.
     */
    ReplicaResult train(TrainingSetup setup, ReplicaState start, Shard shard, Round round) {
        List<Param> params = network.params();
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
        if (taken == 0) {
            return new ReplicaResult(shard.partition(), 0, 0, null, backend.name());
        }
        LrSchedule run = setup.lrSchedule();
        LrSchedule local = t -> run.lr(globalStep[Math.toIntExact(t)]);
        int rows = 0;
        double lossSum = 0;
        try (Sgd sgd = new Sgd(backend, params, local, setup.momentum(), 0f, setup.weightDecay(), setup.nesterov())) {
            if (start.momentum() != null) {
                sgd.loadMomentum(start.momentum());
            }
            for (int j = 0; j < round.steps(); j++) {
                int b = round.firstBatch() + j;
                int n = shard.rows(b);
                if (n == 0) {
                    continue;
                }
                try (Tensor x = backend.fromArray(shard.x(b), Models.batchShape(n, setup.inputShape()));
                        Tensor y = backend.fromArray(shard.y(b), n)) {
                    Tensor loss = xent.forward(network.forward(x), y);
                    network.zeroGrad();
                    network.backwardParametersOnly(xent.backward());
                    sgd.step();
                    lossSum += (double) backend.readFloats(loss)[0] * n;
                }
                rows += n;
            }
            float[][] weights = new float[params.size()][];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = backend.readFloats(params.get(i).value());
            }
            float[][] momentum = sgd.momentumState();
            boolean any = false;
            for (float[] m : momentum) {
                any |= m != null;
            }
            return new ReplicaResult(shard.partition(), rows, lossSum, new ReplicaState(weights, any ? momentum : null),
                    backend.name());
        }
    }

    @Override
    public void close() {
        try (backend; network; xent) {
            // closes all three, the backend last
        }
    }
}
