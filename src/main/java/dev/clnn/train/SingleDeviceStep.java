package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.data.Batch;
import dev.clnn.nn.Sequential;

/** The training step on one backend: {@link ModelStep} on each uploaded batch, one read of the loss. */
final class SingleDeviceStep implements TrainingStep {
    private final StepParts parts;

    private SingleDeviceStep(StepParts parts) {
        this.parts = parts;
    }

    static TrainingStep.Factory factory(Backend backend) {
        return (options, sampleShape, schedule) -> new SingleDeviceStep(
                StepParts.open(backend, options, sampleShape, schedule));
    }

    @Override
    public Sequential model() {
        return parts.step().model();
    }

    @Override
    public Backend backend() {
        return parts.step().backend();
    }

    @Override
    public String description() {
        return backend().name();
    }

    @Override
    public float step(Batch batch) {
        return parts.step(batch);
    }

    @Override
    public float currentLr() {
        return parts.step().optimizer().currentLr();
    }

    @Override
    public long stepCount() {
        return parts.step().optimizer().stepCount();
    }

    @Override
    public float[][] optimizerState() {
        return parts.step().optimizer().state();
    }

    @Override
    public void restore(float[][] params, long steps, float[][] optimizerState) {
        parts.restore(params, steps, optimizerState);
    }

    @Override
    public void close() {
        parts.close();
    }
}
