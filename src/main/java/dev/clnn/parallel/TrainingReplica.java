package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.StepParts;
import dev.clnn.train.TrainOptions;

/**
 * One device's copy of the classifier being trained, with its own loss, batch buffers and optimiser: the ops of the
 * single-device training step, split where the all-reduce goes in between.
 */
final class TrainingReplica implements AutoCloseable {
    private final Backend backend;
    private final StepParts parts;
    private final int sampleLength;
    private Tensor loss; // of the last shard, null when it was empty

    private TrainingReplica(Backend backend, StepParts parts, int sampleLength) {
        this.backend = backend;
        this.parts = parts;
        this.sampleLength = sampleLength;
    }

    /** Builds the model from {@code options.model()} and {@code options.seed()}: the same weights on every device. */
    static TrainingReplica open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        int sampleLength = 1;
        for (int d : sampleShape) {
            sampleLength *= d;
        }
        return new TrainingReplica(backend, StepParts.open(backend, options, sampleShape, schedule), sampleLength);
    }

    Backend backend() {
        return backend;
    }

    Sequential model() {
        return parts.model();
    }

    Sgd sgd() {
        return parts.sgd();
    }

    /**
     * The gradient of the shard's mean loss in the parameters' gradients (overwritten), and waits for the device.
     * An empty shard computes nothing.
     */
    void computeGradients(Batch batch, Shard shard) {
        if (shard.isEmpty()) {
            loss = null;
            return;
        }
        Tensor[] xy = parts.uploader().upload(shard.slice(batch.x(), sampleLength), shard.slice(batch.y()),
                shard.rows());
        Sequential model = parts.model();
        loss = parts.xent().forward(model.forward(xy[0]), xy[1]);
        model.zeroGrad();
        model.backwardParametersOnly(parts.xent().backward());
        backend.synchronize(); // so that the device's time is its own, not the all-reduce's
    }

    /** The SGD update from the (all-reduced) gradients; returns the shard's mean loss, NaN for an empty shard. */
    float update() {
        parts.sgd().step();
        return loss == null ? Float.NaN : backend.readFloats(loss)[0];
    }

    @Override
    public void close() {
        parts.close();
    }
}
