package dev.clnn.train;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.data.Safetensors;
import dev.clnn.data.TensorEntry;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Loss;
import dev.clnn.nn.Mse;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.SoftmaxCrossEntropy;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code clnn step}: K SGD steps of a model on one batch, writing the loss, the output, ∂L/∂x, every parameter's
 * gradient (all of the last step) and the parameters after the updates, so anyone can compare clnn with PyTorch on
 * their own weights and data.
 */
public final class StepRunner {
    /** One run: {@code loss} is "ce" or "mse"; {@code weights} may be null (default initialisation from seed). */
    public record StepOptions(ModelSpec model, String loss, Path weights, Path batch, double lr, float momentum,
            boolean nesterov, float weightDecay, int steps, long seed, Path out) {
        public StepOptions {
            if (!loss.equals("ce") && !loss.equals("mse")) {
                throw new IllegalArgumentException("--loss must be ce or mse, got \"" + loss + "\"");
            }
            if (steps <= 0) {
                throw new IllegalArgumentException("--steps must be positive, got " + steps);
            }
        }
    }

    private StepRunner() {
    }

    public static void run(Backend backend, StepOptions o) {
        StepBatch batch = StepBatch.read(o.batch());
        int[] xShape = batch.xShape();
        try (Sequential model = Models.build(backend, o.model(), o.seed())) {
            if (o.weights() != null) {
                Checkpoint.load(o.weights(), model, backend);
            }
            int[] outShape = model.outputShape(xShape);
            try (Tensor xt = backend.fromArray(batch.x(), xShape);
                    Tensor target = target(backend, batch, o, outShape);
                    Loss loss = o.loss().equals("ce") ? new SoftmaxCrossEntropy(backend) : new Mse(backend);
                    Sgd sgd = new Sgd(backend, model.params(), LrSchedule.constant(o.lr()), o.momentum(), 0f,
                            o.weightDecay(), o.nesterov())) {
                List<TensorEntry> result = new ArrayList<>();
                for (int step = 0; step < o.steps(); step++) {
                    Tensor output = model.forward(xt);
                    Tensor lossValue = loss.forward(output, target);
                    model.zeroGrad();
                    Tensor dx = model.backward(loss.backward());
                    if (step == o.steps() - 1) {
                        result.add(TensorEntry.f32("loss", new int[0], backend.readFloats(lossValue)));
                        result.add(TensorEntry.f32("output", output.shape(), backend.readFloats(output)));
                        result.add(TensorEntry.f32("grad.x", xShape, backend.readFloats(dx)));
                        for (Map.Entry<String, Param> e : model.namedParams().entrySet()) {
                            Tensor g = e.getValue().grad();
                            result.add(TensorEntry.f32("grad." + e.getKey(), g.shape(), backend.readFloats(g)));
                        }
                    }
                    sgd.step();
                }
                for (Map.Entry<String, Param> e : model.namedParams().entrySet()) {
                    Tensor v = e.getValue().value();
                    result.add(TensorEntry.f32(e.getKey(), v.shape(), backend.readFloats(v)));
                }
                Safetensors.write(o.out(), result, Map.of("steps", Integer.toString(o.steps())));
            }
        }
    }

    private static Tensor target(Backend backend, StepBatch batch, StepOptions o, int[] outShape) {
        return o.loss().equals("ce") ? backend.fromArray(batch.labels(outShape), outShape[0])
                : backend.fromArray(batch.targets(outShape), outShape);
    }
}
