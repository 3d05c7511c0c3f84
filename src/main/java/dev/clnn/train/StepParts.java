package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;

/**
 * What a classifier's training step needs on one backend: the model (built from {@code options.model()} and
 * {@code options.seed()}, so every replica of a run starts with the same weights), the loss, the batch buffers and
 * the optimiser. Shared by the single-device step and each replica of a data-parallel one; closing releases all four.
 */
public record StepParts(Sequential model, SoftmaxCrossEntropy xent, BatchUploader uploader, Sgd sgd)
        implements AutoCloseable {

    /** Builds the four on {@code backend}; on a failure, whatever was built is released before the error goes on. */
    public static StepParts open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        Sequential model = Models.build(backend, options.model(), options.seed());
        SoftmaxCrossEntropy xent = null;
        BatchUploader uploader = null;
        try {
            xent = new SoftmaxCrossEntropy(backend);
            uploader = new BatchUploader(backend, sampleShape);
            Sgd sgd = new Sgd(backend, model.params(), schedule, options.momentum(), 0f, options.weightDecay(),
                    options.nesterov());
            return new StepParts(model, xent, uploader, sgd);
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

    @Override
    public void close() {
        sgd.close();
        uploader.close();
        xent.close();
        model.close();
    }
}
