package dev.clnn.backend;

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
            float[] x = TestArrays.uniform(random, p.inputSize(), -1, 1);
            float[] dy = TestArrays.uniform(random, p.outputSize(), -1, 1);
            float[][] expected = run(cpu, x, dy, p);
            float[][] actual = run(cl, x, dy, p);
            TestArrays.assertClose("avgPoolForward " + p + " seed=" + seed, actual[0], expected[0],
                    Tolerances.AVG_POOL);
            TestArrays.assertClose("avgPoolBackward " + p + " seed=" + seed, actual[1], expected[1],
                    Tolerances.AVG_POOL);
        }
    }

    private static float[][] run(Backend be, float[] x, float[] dy, Pool2d p) {
        try (Tensor xt = be.fromArray(x, p.n(), p.c(), p.h(), p.w());
                Tensor dyt = be.fromArray(dy, p.n(), p.c(), p.outH(), p.outW());
                Tensor y = TestArrays.poisoned(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor dx = TestArrays.poisoned(be, p.n(), p.c(), p.h(), p.w())) {
            be.avgPoolForward(y, xt, p);
            be.avgPoolBackward(dx, dyt, p);
            return new float[][] {be.readFloats(y), be.readFloats(dx)};
        }
    }
}
