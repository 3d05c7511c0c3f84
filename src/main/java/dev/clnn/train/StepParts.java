package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import dev.clnn.optim.LrSchedule;
import java.util.function.IntConsumer;

/**
 * A run's training step on one backend with its batch buffers: the model built from {@code options.model()} and
 * {@code options.seed()} (so every replica of a run starts with the same weights), the options' loss and optimiser,
 * and the device copies of the batches. Shared by the single-device step and each replica of a data-parallel one;
 * closing releases both.
 *
 * @param loss what the loss compares the outputs with (labels or float targets)
 */
public record StepParts(ModelStep step, BatchUploader uploader, LossKind loss) implements AutoCloseable {

    /** Builds both on {@code backend}; on a failure, whatever was built is released before the error goes on. */
    public static StepParts open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        ModelStep step = ModelStep.open(backend, Models.build(backend, options.model(), options.seed()),
                options.loss().factory(), options.optimizer(), schedule);
        return new StepParts(step, new BatchUploader(backend, sampleShape), options.loss());
    }

    /**
     * The gradients of {@code rows} samples x with their labels or targets (either may be null when the data has
     * none) on the device, as {@link ModelStep#computeGradients}; the rows are rows {@code firstRow} on of the batch.
     */
    public void computeGradients(float[] x, int[] labels, float[] targets, int rows, int firstRow) {
        computeGradients(x, labels, targets, rows, firstRow, layer -> {
        });
    }

    /**
     * As {@link #computeGradients(float[], int[], float[], int, int)}, calling {@code afterLayer} with each layer's
     * index once its backward ops are enqueued ({@link ModelStep#computeParameterGradients}).
     */
    public void computeGradients(float[] x, int[] labels, float[] targets, int rows, int firstRow,
            IntConsumer afterLayer) {
        BatchUploader.DeviceBatch b = uploader.upload(x, labels, targets, rows);
        step.computeParameterGradients(b.x(), b.target(loss), firstRow, afterLayer);
    }

    /** One whole step on {@code batch}: its mean loss, read from the device. */
    public float step(Batch batch) {
        BatchUploader.DeviceBatch b = uploader.upload(batch);
        return step.step(b.x(), b.target(loss));
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
