package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.optim.LrSchedule;
import dev.clnn.optim.Sgd;
import dev.clnn.train.ModelStep;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** End to end: a tiny MLP learns a separable problem on the CPU reference. */
class TrainingTest {
    private static final long SEED = 17L;

    @Test
    void tinyMlpDrivesTheLossDownTenfoldInTwoHundredSteps() {
        CpuBackend cpu = new CpuBackend();
        SplittableRandom r = new SplittableRandom(SEED);
        int n = 64;
        float[] x = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            // Two classes on either side of the line x0 + x1 = 0, with a margin of 0.5 / √2.
            double a;
            double b;
            do {
                a = r.nextDouble(-2, 2);
                b = r.nextDouble(-2, 2);
            } while (Math.abs(a + b) < 0.5);
            x[2 * i] = (float) a;
            x[2 * i + 1] = (float) b;
            labels[i] = a + b > 0 ? 1 : 0;
        }
        Sequential model = new Sequential(List.of(new Linear(cpu, 2, 16, r), new ReLU(cpu), new Linear(cpu, 16, 2, r)));
        try (ModelStep train = ModelStep.open(cpu, model, SoftmaxCrossEntropy::new, Sgd.factory(0.9f, 0f, 0f, false),
                LrSchedule.constant(0.1));
                Tensor xt = cpu.fromArray(x, n, 2);
                Tensor yt = cpu.fromArray(labels, n)) {
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 200; step++) {
                last = train.step(xt, yt);
                if (step == 0) {
                    first = last;
                }
            }
            assertTrue(last * 10 <= first, "seed " + SEED + ": loss went from " + first + " to " + last);
        }
    }
}
