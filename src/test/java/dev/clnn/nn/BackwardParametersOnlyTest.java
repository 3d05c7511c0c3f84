package dev.clnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackwardParametersOnlyTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void skippingTheInputGradientLeavesEveryParameterGradientTheSame() {
        float[] x = new float[2 * 2 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        float[] dy = {0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.25f};
        float[][] full = run(x, dy, false);
        float[][] paramsOnly = run(x, dy, true);
        for (int i = 0; i < full.length; i++) {
            assertArrayEquals(full[i], paramsOnly[i], "parameter " + i);
        }
    }

    private float[][] run(float[] x, float[] dy, boolean paramsOnly) {
        SplittableRandom init = new SplittableRandom(7);
        try (Sequential model = new Sequential(List.of(new Conv2d(cpu, 2, 3, 3, 1, 1, init), new ReLU(cpu),
                new MaxPool2d(cpu, 2, 2, 0), new Flatten(), new Linear(cpu, 27, 3, init)))) {
            model.forward(cpu.fromArray(x, 2, 2, 6, 6));
            Tensor d = cpu.fromArray(dy, 2, 3);
            if (paramsOnly) {
                model.backwardParametersOnly(d);
            } else {
                model.backward(d);
            }
            return model.params().stream().map(p -> cpu.readFloats(p.grad())).toArray(float[][]::new);
        }
    }
}
