package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.LrSchedule;
import dev.clnn.train.StepParts;
import dev.clnn.train.TrainOptions;
import java.util.function.IntConsumer;

/**
 * One device's copy of the model being trained, with its own loss, batch buffers and optimiser: the one training
 * step ({@link dev.clnn.train.ModelStep}), split where the all-reduce goes in between.
 */
final class TrainingReplica implements AutoCloseable {
    private final StepParts parts;
    private final int sampleLength;
    private boolean computed; // whether the last shard had rows

    private TrainingReplica(StepParts parts, int sampleLength) {
        this.parts = parts;
        this.sampleLength = sampleLength;
    }

    /** Builds the model from {@code options.model()} and {@code options.seed()}: the same weights on every device. */
    static TrainingReplica open(Backend backend, TrainOptions options, int[] sampleShape, LrSchedule schedule) {
        int sampleLength = 1;
        for (int d : sampleShape) {
            sampleLength *= d;
        }
        return new TrainingReplica(StepParts.open(backend, options, sampleShape, schedule), sampleLength);
    }

    Backend backend() {
        return parts.step().backend();
    }

    Sequential model() {
        return parts.step().model();
    }

    StepParts parts() {
        return parts;
    }

    /**
     * The gradient of the shard's mean loss in the parameters' gradients (overwritten), and waits for the device.
     * An empty shard computes nothing.
     */
    void computeGradients(Batch batch, Shard shard) {
        computeGradients(batch, shard, layer -> {
        });
        if (computed) {
            backend().synchronize(); // so that the device's time is its own, not the all-reduce's
        }
    }

    /**
     * As {@link #computeGradients(Batch, Shard)}, calling {@code afterLayer} with each layer's index once its
     * backward ops are queued, and returning without waiting for the device.
     */
    void computeGradients(Batch batch, Shard shard, IntConsumer afterLayer) {
        computed = !shard.isEmpty();
        if (!computed) {
            return;
        }
        float[] targets = batch.targets();
        parts.computeGradients(shard.slice(batch.x(), sampleLength), batch.y() == null ? null : shard.slice(batch.y()),
                targets == null ? null : shard.slice(targets, targets.length / batch.rows()), shard.rows(),
                shard.offset(), afterLayer);
    }

    /** The optimiser's update from the (all-reduced) gradients; returns the shard's mean loss, NaN when empty. */
    float update() {
        parts.step().update();
        return readLoss();
    }

    /** The shard's mean loss of the last {@link #computeGradients}, NaN when empty; waits for the device. */
    float readLoss() {
        return computed ? parts.step().readLoss() : Float.NaN;
    }

    @Override
    public void close() {
        parts.close();
    }
}
