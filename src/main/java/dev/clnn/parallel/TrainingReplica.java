package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.BatchUploader;
import dev.clnn.train.TrainOptions;

/**
 * One device's copy of the classifier being trained, with its own loss, batch buffers and optimiser: the ops of the
 * single-device training step, split where the all-reduce goes in between.
 */
final class TrainingReplica implements AutoCloseable {
    private final Backend backend;
    private final Sequential model;
    private final SoftmaxCrossEntropy xent;
    private final BatchUploader uploader;
    private final Sgd sgd;
    private final int sampleLength;
    private Tensor loss; // of the last shard, null when it was empty

    private TrainingReplica(Backend backend, Sequential model, SoftmaxCrossEntropy xent, BatchUploader uploader,
            Sgd sgd, int sampleLength) {
        this.backend = backend;
        this.model = model;
        this.xent = xent;
        this.uploader = uploader;
        this.sgd = sgd;
        this.sampleLength = sampleLength;
    }

    /** Builds the model from {@code options.model()} and {@code options.seed()}: the same weights on every device. */
    static TrainingReplica open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        Sequential model = Models.build(backend, options.model(), options.seed());
        SoftmaxCrossEntropy xent = null;
        BatchUploader uploader = null;
        try {
            xent = new SoftmaxCrossEntropy(backend);
            uploader = new BatchUploader(backend, sampleShape);
            Sgd sgd = new Sgd(backend, model.params(), schedule, options.momentum(), 0f, options.weightDecay(),
                    options.nesterov());
            int sampleLength = 1;
            for (int d : sampleShape) {
                sampleLength *= d;
            }
            return new TrainingReplica(backend, model, xent, uploader, sgd, sampleLength);
        } catch (RuntimeException e) {
            if (uploader != null) {
                uploader.close();
            }
            if (xent != null) {
                xent.close();
            }
            model.close();
            throw e;
        }
    }

    Backend backend() {
        return backend;
    }

    Sequential model() {
        return model;
    }

    Sgd sgd() {
        return sgd;
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
        Tensor[] xy = uploader.upload(shard.slice(batch.x(), sampleLength), shard.slice(batch.y()), shard.rows());
        loss = xent.forward(model.forward(xy[0]), xy[1]);
        model.zeroGrad();
        model.backwardParametersOnly(xent.backward());
        backend.synchronize(); // so that the device's time is its own, not the all-reduce's
    }

    /** The SGD update from the (all-reduced) gradients; returns the shard's mean loss, NaN for an empty shard. */
    float update() {
        sgd.step();
        return loss == null ? Float.NaN : backend.readFloats(loss)[0];
    }

    @Override
    public void close() {
        sgd.close();
        uploader.close();
        xent.close();
        model.close();
    }
}
