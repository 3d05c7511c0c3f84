package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class MseParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void mseLossMatchesAndGradientIsIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        for (int count : Sizes.ELEMENTS) {
            long seed = 7L * count;
            SplittableRandom random = new SplittableRandom(seed);
            float[] pred = SeededData.uniform(random, count, -2, 2);
            float[] target = SeededData.uniform(random, count, -2, 2);
            float[][] expected = run(cpu, pred, target);
            float[][] actual = run(cl, pred, target);
            TestArrays.assertClose("mseForward n=" + count + " seed=" + seed, actual[0], expected[0],
                    Tolerances.REDUCTION);
            TestArrays.assertIdentical("mseBackward n=" + count + " seed=" + seed, actual[1], expected[1]);
        }
    }

    private static float[][] run(Backend be, float[] pred, float[] target) {
        int n = pred.length;
        try (Tensor a = be.fromArray(pred, n); Tensor b = be.fromArray(target, n); Tensor loss = SeededData.poisoned(
                be); Tensor d = SeededData.poisoned(be, n)) {
            be.mseForward(loss, a, b, n);
            be.mseBackward(d, a, b, n);
            return new float[][] {be.readFloats(loss), be.readFloats(d)};
        }
    }
}
