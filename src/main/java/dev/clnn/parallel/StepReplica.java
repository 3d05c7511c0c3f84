package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.Models;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Mse;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.StepRunner.StepOptions;

/**
 * One device's part of {@code clnn step --devices}: the model (seeded or loaded, the same on every device), its
 * shard of the batch on the device, the loss and the optimiser. Empty shards hold no data and compute nothing.
 */
final class StepReplica implements AutoCloseable {
    private final Backend backend;
    private final Shard shard;
    private final Sequential model;
    private final Loss loss;
    private final Sgd sgd;
    private Tensor x; // (rows, ...) the shard's inputs, null when empty
    private Tensor target; // labels (rows) or targets (rows, ...), null when empty
    private Tensor lossValue;
    private Tensor output;
    private Tensor dx;

    /** The replica; {@link #upload} gives it its data. */
    StepReplica(Backend backend, Shard shard, StepOptions o) {
        this.backend = backend;
        this.shard = shard;
        this.model = Models.build(backend, o.model(), o.seed());
        try {
            if (o.weights() != null) {
                Checkpoint.load(o.weights(), model, backend);
            }
            this.loss = o.loss().equals("ce") ? new SoftmaxCrossEntropy(backend) : new Mse(backend);
            this.sgd = new Sgd(backend, model.params(), LrSchedule.constant(o.lr()), o.momentum(), 0f,
                    o.weightDecay(), o.nesterov());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    Backend backend() {
        return backend;
    }

    Shard shard() {
        return shard;
    }

    Sequential model() {
        return model;
    }

    /** Puts the shard's rows of x (whole batch, shape {@code xShape}) and of the labels or targets on the device. */
    void upload(float[] allX, int[] xShape, int[] labels, float[] targets, int[] outShape) {
        if (shard.isEmpty()) {
            return;
        }
        int[] shardX = xShape.clone();
        shardX[0] = shard.rows();
        x = backend.fromArray(shard.slice(allX, allX.length / xShape[0]), shardX);
        if (labels != null) {
            target = backend.fromArray(shard.slice(labels), shard.rows());
        } else {
            int[] shardOut = outShape.clone();
            shardOut[0] = shard.rows();
            target = backend.fromArray(shard.slice(targets, targets.length / outShape[0]), shardOut);
        }
    }

    /** Forward, loss and the full backward (∂L/∂x included) of the shard's mean loss; parameter gradients reset. */
    void computeGradients() {
        if (shard.isEmpty()) {
            return;
        }
        output = model.forward(x);
        lossValue = loss.forward(output, target);
        model.zeroGrad();
        dx = model.backward(loss.backward());
        backend.synchronize();
    }

    /** The shard's mean loss of the last {@link #computeGradients}. */
    float readLoss() {
        return backend.readFloats(lossValue)[0];
    }

    /** The model's output for the shard, (rows, ...). */
    float[] readOutput() {
        return backend.readFloats(output);
    }

    /** ∂(shard's mean loss)/∂x, (rows, ...). */
    float[] readDx() {
        return backend.readFloats(dx);
    }

    void update() {
        sgd.step();
    }

    @Override
    public void close() {
        sgd.close();
        loss.close();
        if (x != null) {
            x.close();
            target.close();
        }
        model.close();
    }
}
