package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.ModelStep;
import dev.clnn.train.StepOptions;

/**
 * One device's part of {@code clnn step}: the model (seeded or loaded, the same on every device) in the one training
 * step ({@link ModelStep}), and its shard of the batch on the device. Empty shards hold no data and compute nothing.
 */
final class StepReplica implements AutoCloseable {
    private final Shard shard;
    private final ModelStep step;
    private Tensor x; // (rows, ...) the shard's inputs, null when empty
    private Tensor target; // labels (rows) or targets (rows, ...), null when empty

    /** The replica; {@link #upload} gives it its data. */
    StepReplica(Backend backend, Shard shard, StepOptions o) {
        this.shard = shard;
        Sequential model = Models.build(backend, o.model(), o.seed());
        try {
            if (o.weights() != null) {
                Checkpoint.load(o.weights(), model, backend);
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        this.step = ModelStep.open(backend, model, o.lossFunction(), o.optimizer(), LrSchedule.constant(o.lr()));
    }

    Backend backend() {
        return step.backend();
    }

    Shard shard() {
        return shard;
    }

    Sequential model() {
        return step.model();
    }

    /** Puts the shard's rows of x (whole batch, shape {@code xShape}) and of the labels or targets on the device. */
    void upload(float[] allX, int[] xShape, int[] labels, float[] targets, int[] outShape) {
        if (shard.isEmpty()) {
            return;
        }
        int[] shardX = xShape.clone();
        shardX[0] = shard.rows();
        x = backend().fromArray(shard.slice(allX, allX.length / xShape[0]), shardX);
        if (labels != null) {
            target = backend().fromArray(shard.slice(labels), shard.rows());
        } else {
            int[] shardOut = outShape.clone();
            shardOut[0] = shard.rows();
            target = backend().fromArray(shard.slice(targets, targets.length / outShape[0]), shardOut);
        }
    }

    /** Forward, loss and the full backward (∂L/∂x included) of the shard's mean loss; parameter gradients reset. */
    void computeGradients() {
        if (shard.isEmpty()) {
            return;
        }
        step.computeGradients(x, target, true, shard.offset());
        backend().synchronize();
    }

    /** The shard's mean loss of the last {@link #computeGradients}. */
    float readLoss() {
        return step.readLoss();
    }

    /** The model's output for the shard, (rows, ...). */
    float[] readOutput() {
        return backend().readFloats(step.output());
    }

    /** ∂(shard's mean loss)/∂x, (rows, ...). */
    float[] readDx() {
        return backend().readFloats(step.dx());
    }

    void update() {
        step.update();
    }

    @Override
    public void close() {
        if (x != null) {
            x.close();
            target.close();
        }
        step.close();
    }
}
