package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Batch;
import dev.clnn.model.Models;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.util.List;

/** The training step on one backend: forward, softmax cross-entropy, backward and SGD, one read of the loss. */
final class SingleDeviceStep implements TrainingStep {
    private final Backend backend;
    private final Sequential model;
    private final SoftmaxCrossEntropy xent;
    private final BatchUploader uploader;
    private final Sgd sgd;

    private SingleDeviceStep(Backend backend, Sequential model, SoftmaxCrossEntropy xent, BatchUploader uploader,
            Sgd sgd) {
        this.backend = backend;
        this.model = model;
        this.xent = xent;
        this.uploader = uploader;
        this.sgd = sgd;
    }

    static TrainingStep.Factory factory(Backend backend) {
        return (options, sampleShape, schedule) -> open(backend, options, sampleShape, schedule);
    }

    private static SingleDeviceStep open(Backend backend, TrainOptions options, int[] sampleShape,
            LrSchedule schedule) {
        Sequential model = Models.build(backend, options.model(), options.seed());
        SoftmaxCrossEntropy xent = null;
        BatchUploader uploader = null;
        try {
            xent = new SoftmaxCrossEntropy(backend);
            uploader = new BatchUploader(backend, sampleShape);
            Sgd sgd = new Sgd(backend, model.params(), schedule, options.momentum(), 0f, options.weightDecay(),
                    options.nesterov());
            return new SingleDeviceStep(backend, model, xent, uploader, sgd);
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
        Tensor[] xy = uploader.upload(batch);
        Tensor loss = xent.forward(model.forward(xy[0]), xy[1]);
        model.zeroGrad();
        model.backwardParametersOnly(xent.backward());
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
        sgd.close();
        uploader.close();
        xent.close();
        model.close();
    }
}
