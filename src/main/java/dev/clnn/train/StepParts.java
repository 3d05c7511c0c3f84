package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import dev.clnn.optim.LrSchedule;

/**
 * A run's training step on one backend with its batch buffers: the model built from {@code options.model()} and
 * {@code options.seed()} (so every replica of a run starts with the same weights), the options' loss and optimiser,
 * and the device copies of the batches. Shared by the single-device step and each replica of a data-parallel one;
 * closing releases both.
 */
public record StepParts(ModelStep step, BatchUploader uploader) implements AutoCloseable {

    /** Builds both on {@code backend}; on a failure, whatever was built is released before the error goes on. */
    public static StepParts open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        ModelStep step = ModelStep.open(backend, Models.build(backend, options.model(), options.seed()),
                options.loss(), options.optimizer(), schedule);
        return new StepParts(step, new BatchUploader(backend, sampleShape));
    }

    /** The gradients of {@code rows} samples (x, labels) on the device, as {@link ModelStep#computeGradients}. */
    public void computeGradients(float[] x, int[] labels, int rows) {
        Tensor[] xy = uploader.upload(x, labels, rows);
        step.computeGradients(xy[0], xy[1], false);
    }

    /** One whole step on {@code batch}: its mean loss, read from the device. */
    public float step(Batch batch) {
        Tensor[] xy = uploader.upload(batch);
        return step.step(xy[0], xy[1]);
    }

    /** Writes {@code params} (in the model's parameter order) and the optimiser's state and step count. */
    public void restore(float[][] params, long steps, float[][] optimizerState) {
        var ps = step.model().params();
        for (int i = 0; i < ps.size(); i++) {
            step.backend().write(ps.get(i).value(), params[i]);
        }
        step.optimizer().restore(steps, optimizerState);
    }

    @Override
    public void close() {
        try (step; uploader) {
            // the uploader first, then the step
        }
    }
}
