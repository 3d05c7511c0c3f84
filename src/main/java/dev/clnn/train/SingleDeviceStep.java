package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.optim.Sgd;
import java.util.List;

/** The training step on one backend: forward, softmax cross-entropy, backward and SGD, one read of the loss. */
final class SingleDeviceStep implements TrainingStep {
    private final Backend backend;
    private final StepParts parts;
    private final Sequential model;
    private final Sgd sgd;

    private SingleDeviceStep(Backend backend, StepParts parts) {
        this.backend = backend;
        this.parts = parts;
        this.model = parts.model();
        this.sgd = parts.sgd();
    }

    static TrainingStep.Factory factory(Backend backend) {
        return (options, sampleShape, schedule) -> new SingleDeviceStep(backend,
                StepParts.open(backend, options, sampleShape, schedule));
    }

    @Override
    public Sequential model() {
        return model;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public String description() {
        return backend.name();
    }

    @Override
    public float step(Batch batch) {
        Tensor[] xy = parts.uploader().upload(batch);
        Tensor loss = parts.xent().forward(model.forward(xy[0]), xy[1]);
        model.zeroGrad();
        model.backwardParametersOnly(parts.xent().backward());
        sgd.step();
        return backend.readFloats(loss)[0]; // the step's one synchronisation point
    }

    @Override
    public float currentLr() {
        return sgd.currentLr();
    }

    @Override
    public long stepCount() {
        return sgd.stepCount();
    }

    @Override
    public float[][] momentum() {
        return sgd.momentumState();
    }

    @Override
    public void restore(float[][] params, long steps, float[][] momentum) {
        List<Param> ps = model.params();
        for (int i = 0; i < ps.size(); i++) {
            backend.write(ps.get(i).value(), params[i]);
        }
        sgd.restore(steps, momentum);
    }

    @Override
    public void close() {
        parts.close();
    }
}
