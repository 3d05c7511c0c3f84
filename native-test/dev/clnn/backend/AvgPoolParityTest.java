package dev.clnn.backend;

import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import dev.clnn.check.Tolerances;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class AvgPoolParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void avgPoolForwardAndBackwardMatchReference() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 100;
        for (Pool2d p : PoolCases.all()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] x = SeededData.uniform(random, p.inputSize(), -1, 1);
            float[] dy = SeededData.uniform(random, p.outputSize(), -1, 1);
            float[][] expected = run(cpu, x, dy, p);
            float[][] actual = run(cl, x, dy, p);
            TestArrays.assertClose("avgPoolForward " + p + " seed=" + seed, actual[0], expected[0],
                    Tolerances.AVG_POOL);
            TestArrays.assertClose("avgPoolBackward " + p + " seed=" + seed, actual[1], expected[1],
                    Tolerances.AVG_POOL);
        }
    }

    /** As MaxPoolParityTest's fused ReLU: the gate only selects, so the avg pool's tolerance still holds. */
    @Test
    void theFusedReluGradientMatchesAndEqualsThePoolingThenTheRelu() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 700;
        for (Pool2d p : PoolCases.all()) {
            SplittableRandom random = new SplittableRandom(++seed);
            float[] x = MaxPoolParityTest.reluOutput(random, p.inputSize());
            float[] dy = SeededData.uniform(random, p.outputSize(), -1, 1);
            float[] expected = run(cpu, x, dy, p, true)[1];
            TestArrays.assertClose("avgPoolBackward relu " + p + " seed=" + seed, run(cl, x, dy, p, true)[1],
                    expected, Tolerances.AVG_POOL);
            float[] unfused = run(cpu, x, dy, p, false)[1];
            try (Tensor g = cpu.fromArray(unfused, unfused.length); Tensor xt = cpu.fromArray(x, x.length);
                    Tensor dx = SeededData.poisoned(cpu, x.length)) {
                cpu.reluBackward(dx, g, xt, x.length);
                TestArrays.assertIdentical("avgPoolBackward relu = pool then relu " + p, expected, cpu.readFloats(dx));
            }
        }
    }

    private static float[][] run(Backend be, float[] x, float[] dy, Pool2d p) {
        return run(be, x, dy, p, false);
    }

    private static float[][] run(Backend be, float[] x, float[] dy, Pool2d p, boolean fusedRelu) {
        try (Tensor xt = be.fromArray(x, p.n(), p.c(), p.h(), p.w());
                Tensor dyt = be.fromArray(dy, p.n(), p.c(), p.outH(), p.outW());
                Tensor y = SeededData.poisoned(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor dx = SeededData.poisoned(be, p.n(), p.c(), p.h(), p.w())) {
            be.avgPoolForward(y, xt, p);
            be.avgPoolBackward(dx, dyt, fusedRelu ? xt : null, p);
            return new float[][] {be.readFloats(y), be.readFloats(dx)};
        }
    }
}
