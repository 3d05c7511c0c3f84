package dev.clnn.backend;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class MaxPoolParityTest {
    private final CpuBackend cpu = new CpuBackend();

    @Test
    void maxPoolValuesArgmaxAndGradientAreIdentical() {
        OpenClBackend cl = OpenClTestSupport.backend();
        int seed = 0;
        for (Pool2d p : PoolCases.all()) {
            for (String input : new String[] {"uniform", "ties", "specials"}) {
                SplittableRandom random = new SplittableRandom(++seed);
                // Ternary inputs make many ties, which both must break the same way (first maximum wins); NaN and
                // −∞ must win and lose as in PyTorch.
                float[] x = input.equals("ties") ? TestArrays.ternary(random, p.inputSize())
                        : TestArrays.uniform(random, p.inputSize(), -1, 1);
                if (input.equals("specials")) {
                    for (int i = 0; i < x.length; i++) {
                        int pick = random.nextInt(10);
                        x[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : x[i];
                    }
                }
                float[] dy = TestArrays.uniform(random, p.outputSize(), -1, 1);
                Result expected = run(cpu, x, dy, p);
                Result actual = run(cl, x, dy, p);
                String what = p + " input=" + input + " seed=" + seed;
                TestArrays.assertIdentical("maxPoolForward " + what, actual.y, expected.y);
                TestArrays.assertIdentical("maxPoolForward argmax " + what, actual.argmax, expected.argmax);
                // Same summation order (outputs in raster order) on both sides: bit-identical.
                TestArrays.assertIdentical("maxPoolBackward " + what, actual.dx, expected.dx);
            }
        }
    }

    private record Result(float[] y, int[] argmax, float[] dx) {
    }

    private static Result run(Backend be, float[] x, float[] dy, Pool2d p) {
        try (Tensor xt = be.fromArray(x, p.n(), p.c(), p.h(), p.w());
                Tensor dyt = be.fromArray(dy, p.n(), p.c(), p.outH(), p.outW());
                Tensor y = TestArrays.poisoned(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor arg = TestArrays.poisonedInts(be, p.n(), p.c(), p.outH(), p.outW());
                Tensor dx = TestArrays.poisoned(be, p.n(), p.c(), p.h(), p.w())) {
            be.maxPoolForward(y, arg, xt, p);
            be.maxPoolBackward(dx, dyt, arg, p);
            return new Result(be.readFloats(y), be.readInts(arg), be.readFloats(dx));
        }
    }
}
