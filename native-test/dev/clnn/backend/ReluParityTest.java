package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class ReluParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void reluForwardAndBackwardAreBitIdenticalIncludingZerosAndNaN() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            long seed = count;
            SplittableRandom random = new SplittableRandom(seed);
            float[] x = SeededData.uniform(random, count, -1, 1);
            x[random.nextInt(count)] = 0f;
            x[random.nextInt(count)] = Float.NaN;
            float[] dy = SeededData.uniform(random, count, -1, 1);
            float[][] expected = run(cpu, x, dy);
            float[][] actual = run(cl, x, dy);
            TestArrays.assertIdentical("reluForward n=" + count + " seed=" + seed, actual[0], expected[0]);
            TestArrays.assertIdentical("reluBackward n=" + count + " seed=" + seed, actual[1], expected[1]);
        }
    }

    private static float[][] run(Backend be, float[] x, float[] dy) {
        int n = x.length;
        try (Tensor xt = be.fromArray(x, n); Tensor dyt = be.fromArray(dy, n); Tensor y = SeededData.poisoned(be, n);
                Tensor dx = SeededData.poisoned(be, n)) {
            be.reluForward(y, xt, n);
            be.reluBackward(dx, dyt, xt, n);
            return new float[][] {be.readFloats(y), be.readFloats(dx)};
        }
    }
}
