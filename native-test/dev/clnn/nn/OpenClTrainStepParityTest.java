package dev.clnn.nn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.PoisonedBackend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.LossKind;
import dev.clnn.train.ModelStep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole training steps (the one training step, {@link ModelStep}: forward, each loss, backward, SGD with momentum,
 * Nesterov and weight decay) on OpenCL give the CPU reference's losses, outputs, input gradient and parameters. Every
 * tensor the model, loss and optimiser allocate starts as NaN on both backends ({@link PoisonedBackend}), so an
 * element a kernel never writes fails.
 */
@Tag("opencl")
class OpenClTrainStepParityTest {
    private static final long SEED = 99L;
    private static final int STEPS = 2;

    /** The named results of {@link #STEPS} steps of a (max pool, flatten, linear, relu, linear) + xent model. */
    private static List<Named> train(Backend backend, LossKind loss) {
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 7;
        float[] x = SeededData.uniform(r, n * 2 * 4 * 4, -1, 1);
        int[] labels = SeededData.labels(r, n, 3);
        float[] targets = SeededData.uniform(r, n * 3, 0.05f, 1); // mse targets, or kl rows once normalised
        if (loss == LossKind.KL) {
            for (int i = 0; i < n; i++) {
                float sum = targets[3 * i] + targets[3 * i + 1] + targets[3 * i + 2];
                for (int k = 0; k < 3; k++) {
                    targets[3 * i + k] /= sum;
                }
            }
        }
        List<Named> out = new ArrayList<>();
        Sequential model = new Sequential(List.of(new MaxPool2d(backend, 2, 2, 0), new Flatten(),
                new Linear(backend, 8, 17, r), new ReLU(backend), new Linear(backend, 17, 3, r)));
        try (ModelStep train = ModelStep.open(backend, model, loss.factory(),
                Sgd.factory(0.9f, 0f, 1e-3f, true), LrSchedule.constant(0.5));
                Tensor xt = backend.fromArray(x, n, 2, 4, 4);
                Tensor yt = loss.floatTargets() ? backend.fromArray(targets, n, 3) : backend.fromArray(labels, n)) {
            for (int step = 0; step < STEPS; step++) {
                train.computeGradients(xt, yt, true);
                out.add(new Named("step " + step + " logits", backend.readFloats(train.output())));
                out.add(new Named("step " + step + " loss", new float[] {train.readLoss()}));
                out.add(new Named("step " + step + " dx", backend.readFloats(train.dx())));
                train.update();
            }
            List<Param> params = model.params();
            for (int i = 0; i < params.size(); i++) {
                out.add(new Named("param " + i + " value", backend.readFloats(params.get(i).value())));
                out.add(new Named("param " + i + " grad", backend.readFloats(params.get(i).grad())));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LossKind.class)
    void twoTrainingStepsMatchTheCpuReference(LossKind loss) {
        List<Named> expected = train(PoisonedBackend.wrap(new CpuBackend()), loss);
        List<Named> actual = train(PoisonedBackend.wrap(OpenClTestSupport.backend()), loss);
        for (int i = 0; i < expected.size(); i++) {
            TestArrays.assertClose(expected.get(i).name() + ", " + loss.text() + ", seed " + SEED,
                    actual.get(i).values(), expected.get(i).values(), Tolerances.TRAIN_STEPS);
        }
    }

    private record Named(String name, float[] values) {
    }
}
